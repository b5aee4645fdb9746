import { and, count, eq, isNull } from 'drizzle-orm';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { encode } from 'uqr';
import type { Database } from '../db/index.ts';
import { recoveryCodes, users } from '../db/schema/index.ts';
import { beginTotpEnrolment, pendingTotpKey } from './flows.ts';
import { totpUri } from './totp.ts';
import { verifyPassword } from './password.ts';

export async function unusedRecoveryCodes(db: Database, userId: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(recoveryCodes)
		.where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
	return row?.n ?? 0;
}

export interface EnrolmentView {
	/** Base32 key for typing into an app by hand. */
	secret: string;
	/** QR code as one SVG path (dark modules), rendered without {@html}. */
	qrPath: string;
	qrSize: number;
}

/** The pending key's QR code and text form; creates a pending key on first view. */
export async function enrolmentView(db: Database, userId: string): Promise<EnrolmentView> {
	const key = (await pendingTotpKey(db, userId)) ?? (await beginTotpEnrolment(db, userId));
	const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
	const qr = encode(totpUri(user?.email ?? 'account', key), { ecc: 'M', border: 2 });
	let path = '';
	qr.data.forEach((row, y) =>
		row.forEach((dark, x) => {
			if (dark) path += `M${x} ${y}h1v1h-1z`;
		})
	);
	return { secret: encodeBase32UpperCaseNoPadding(key), qrPath: path, qrSize: qr.size };
}

/** Re-checks the current password (step-up before changing a second factor). */
export async function passwordMatches(db: Database, userId: string, password: string) {
	const [user] = await db
		.select({ hash: users.passwordHash })
		.from(users)
		.where(eq(users.id, userId));
	return user?.hash ? verifyPassword(user.hash, password) : false;
}

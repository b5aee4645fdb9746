// Minutes of a meeting: preview (a draft assembled now), issue (freeze a version), and the view a
// recipient may receive. What a recipient receives is decided document by document by the access
// policy, for the recipient AND the person exporting (nobody passes on what they cannot read).
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { agencies, memberships, minutesVersions, users } from '../db/schema/index.ts';
import { DomainError } from '../errors.ts';
import { caseDocumentAccess, type Access, type Principal } from '../policy/index.ts';
import { loadCaseFacts } from '../policy/facts.ts';
import {
	mayExportMinutes,
	mayIssueMinutes,
	mayPrepareMinutes,
	mayReceiveMinutes
} from '../policy/meetings.ts';
import { membershipsOf } from '../tenancy/index.ts';
import { parseDocumentName } from '../../documents/names.ts';
import {
	minutesFor,
	type FrozenMinutes,
	type Minutes,
	type MinutesVersionInfo
} from '../../minutes/model.ts';
import { assembleMinutes } from './assemble.ts';
import {
	audited,
	ensure,
	isUuid,
	loadMeeting,
	type LoadedMeeting,
	type MeetingContext
} from '../meetings/context.ts';

export const REASON_MIN = 10;
export const REASON_MAX = 500;

export interface IssuedVersion extends MinutesVersionInfo {
	version: number;
	issuedAt: string;
	issuedBy: string;
}

export interface Recipient {
	userId: string;
	name: string;
	agency: string;
	agencyId: string;
	role: string;
}

export interface MinutesOverview {
	loaded: LoadedMeeting;
	versions: IssuedVersion[];
	recipients: Recipient[];
	may: { issue: boolean; export: boolean };
}

async function versionsOf(ctx: MeetingContext, meetingId: string): Promise<IssuedVersion[]> {
	const rows = await ctx.db
		.select({
			version: minutesVersions.version,
			issuedAt: minutesVersions.issuedAt,
			issuedBy: users.name,
			reason: minutesVersions.reason
		})
		.from(minutesVersions)
		.innerJoin(users, eq(users.id, minutesVersions.issuedBy))
		.where(eq(minutesVersions.meetingId, meetingId))
		.orderBy(desc(minutesVersions.version));
	return rows.map((r) => ({ ...r, issuedAt: r.issuedAt.toISOString() }));
}

/** Current members of the area who may receive minutes, by agency then name. */
async function recipientsOf(ctx: MeetingContext, areaId: string): Promise<Recipient[]> {
	return ctx.db
		.select({
			userId: users.id,
			name: users.name,
			agency: agencies.name,
			agencyId: agencies.id,
			role: memberships.role
		})
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.innerJoin(agencies, eq(agencies.id, memberships.agencyId))
		.where(and(eq(memberships.areaId, areaId), isNull(users.disabledAt), eq(users.isAdmin, false)))
		.orderBy(asc(agencies.name), asc(users.name));
}

/** The minutes page: who may do what, the issued versions and the possible recipients. */
export async function minutesOverview(
	ctx: MeetingContext,
	meetingId: string
): Promise<MinutesOverview> {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayPrepareMinutes(ctx.principal, loaded.meeting), {
		action: 'minutes.view',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator and the chair prepare minutes, once the meeting has started.'
	});
	const [versions, recipients] = await Promise.all([
		versionsOf(ctx, loaded.meeting.id),
		recipientsOf(ctx, loaded.meeting.areaId)
	]);
	return {
		loaded,
		versions,
		recipients,
		may: {
			issue: mayIssueMinutes(ctx.principal, loaded.meeting),
			export: mayExportMinutes(ctx.principal, loaded.meeting, versions.length)
		}
	};
}

function documentsService(ctx: MeetingContext) {
	if (!ctx.documents) throw new Error('Minutes need the live documents (the sync server).');
	return ctx.documents;
}

/** Freezes the record as it stands now as the next version. A correction needs a reason. */
export async function issueMinutes(
	ctx: MeetingContext,
	meetingId: string,
	reason: string | null
): Promise<number> {
	const loaded = await loadMeeting(ctx, meetingId);
	await ensure(ctx, mayIssueMinutes(ctx.principal, loaded.meeting), {
		action: 'minutes.issue',
		meetingId: loaded.meeting.id,
		seat: loaded.seat,
		message: 'Only the coordinator and the chair issue minutes, once the meeting has ended.'
	});
	const [latest] = await ctx.db
		.select({ version: minutesVersions.version })
		.from(minutesVersions)
		.where(eq(minutesVersions.meetingId, loaded.meeting.id))
		.orderBy(desc(minutesVersions.version))
		.limit(1);
	const version = (latest?.version ?? 0) + 1;
	const why = reason?.trim() ?? '';
	if (version > 1 && why.length < REASON_MIN) {
		throw new DomainError(
			`Say why a new version is issued (at least ${REASON_MIN} characters): every recipient of the earlier version may need to know.`,
			'whyNewVersion'
		);
	}
	if (why.length > REASON_MAX) {
		throw new DomainError(`Keep the reason under ${REASON_MAX} characters.`, 'whyNewVersion');
	}
	const content = await assembleMinutes(ctx.db, documentsService(ctx), loaded, ctx.now);
	const inserted = await ctx.db
		.insert(minutesVersions)
		.values({
			meetingId: loaded.meeting.id,
			version,
			content,
			reason: version > 1 ? why : null,
			issuedBy: ctx.principal.userId,
			issuedAt: ctx.now
		})
		.onConflictDoNothing()
		.returning({ id: minutesVersions.id });
	if (inserted.length === 0) {
		throw new DomainError('Someone else issued a version just now. Check it before issuing again.');
	}
	await audited(ctx, loaded, 'minutes.issue', { version, cases: content.cases.length });
	return version;
}

/** An issued version, frozen as it was issued. */
export async function issuedVersion(
	ctx: MeetingContext,
	meetingId: string,
	version: number
): Promise<{ frozen: FrozenMinutes; info: IssuedVersion } | null> {
	const [row] = await ctx.db
		.select({
			content: minutesVersions.content,
			version: minutesVersions.version,
			issuedAt: minutesVersions.issuedAt,
			issuedBy: users.name,
			reason: minutesVersions.reason
		})
		.from(minutesVersions)
		.innerJoin(users, eq(users.id, minutesVersions.issuedBy))
		.where(and(eq(minutesVersions.meetingId, meetingId), eq(minutesVersions.version, version)));
	if (!row) return null;
	return {
		frozen: row.content,
		info: {
			version: row.version,
			issuedAt: row.issuedAt.toISOString(),
			issuedBy: row.issuedBy,
			reason: row.reason
		}
	};
}

/** A draft: what the minutes would say if issued now (never exported). */
export async function draftMinutes(
	ctx: MeetingContext,
	loaded: LoadedMeeting
): Promise<FrozenMinutes> {
	return assembleMinutes(ctx.db, documentsService(ctx), loaded, ctx.now);
}

const RANK: Record<Access, number> = { none: 0, read: 1, write: 2 };

/** Access of `principal` to every document named in the record, from one load of facts per case. */
async function accessTable(
	ctx: MeetingContext,
	principal: Principal,
	frozen: FrozenMinutes
): Promise<Map<string, Access>> {
	const table = new Map<string, Access>();
	for (const c of frozen.cases) {
		const facts = await loadCaseFacts(ctx.db, c.caseId, principal, ctx.now);
		const names = [`case:${c.caseId}:plan`, ...Object.keys(c.parts)];
		for (const name of names) {
			const ref = parseDocumentName(name);
			const level =
				facts && ref && ref.kind !== 'meeting'
					? caseDocumentAccess(principal, ref, facts, ctx.now)
					: 'none';
			table.set(name, level);
		}
	}
	return table;
}

/** A recipient's principal, or a refusal if they may not receive this meeting's minutes. */
export async function recipientPrincipal(
	ctx: MeetingContext,
	loaded: LoadedMeeting,
	userId: string
): Promise<{ principal: Principal; recipient: Recipient }> {
	const refuse = () =>
		new DomainError('Choose a member of this MARAC as the recipient.', 'recipient');
	if (!isUuid(userId)) throw refuse();
	const [user] = await ctx.db
		.select({ isAdmin: users.isAdmin, disabledAt: users.disabledAt, name: users.name })
		.from(users)
		.where(eq(users.id, userId));
	if (!user || user.disabledAt) throw refuse();
	const principal: Principal = {
		userId,
		isAdmin: user.isAdmin,
		memberships: await membershipsOf(ctx.db, userId)
	};
	if (!mayReceiveMinutes(principal, loaded.meeting)) throw refuse();
	const seat = principal.memberships.find((m) => m.areaId === loaded.meeting.areaId)!;
	return {
		principal,
		recipient: {
			userId,
			name: user.name,
			agency: seat.agencyName,
			agencyId: seat.agencyId,
			role: seat.role
		}
	};
}

/**
 * The minutes as `recipient` may receive them from the signed-in person: a document's part is
 * kept only where both may read it, now.
 */
export async function minutesForRecipient(
	ctx: MeetingContext,
	frozen: FrozenMinutes,
	info: MinutesVersionInfo,
	recipient: Principal
): Promise<Minutes> {
	const [mine, theirs] = await Promise.all([
		accessTable(ctx, ctx.principal, frozen),
		accessTable(ctx, recipient, frozen)
	]);
	return minutesFor(frozen, info, (name) => {
		const a = mine.get(name) ?? 'none';
		const b = theirs.get(name) ?? 'none';
		return RANK[a] <= RANK[b] ? a : b;
	});
}

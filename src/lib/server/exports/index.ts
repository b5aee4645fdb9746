// Exports of case information (minutes, action plans, data returns): the rules every export
// follows, in one place (security.md §6 items 30 and 33). A route that makes a file:
//   1. asks the policy whether this person may export it (policy/exports.ts);
//   2. checks `stepUpFresh` (else sends the person to /reauth) and `exportAllowance`;
//   3. takes `newExportId()` before rendering (the id is printed in the watermark);
//   4. calls `recordExport` (register row + audit row, rate limit enforced atomically);
//   5. serves the bytes with `attachment`.
import { createHash, randomUUID } from 'node:crypto';
import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/index.ts';
import { auditEvents, exportsRegister, type ExportKind } from '../db/schema/index.ts';

export { EXPORT_KINDS, type ExportKind } from '../db/schema/index.ts';

/** A step-up counts for this long (ASVS 7.5.3; security.md §6 item 12). */
export const STEP_UP_MINUTES = 5;
/** Exports per user in any rolling hour (security.md §6 item 33). */
export const EXPORTS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/** Whether the session re-authenticated within the last STEP_UP_MINUTES (inclusive). */
export function stepUpFresh(session: { stepUpAt: Date | null }, now: Date): boolean {
	if (!session.stepUpAt) return false;
	const age = now.getTime() - session.stepUpAt.getTime();
	return age >= 0 && age <= STEP_UP_MINUTES * 60_000;
}

/** How many more exports the user may make now (0 when the hourly limit is reached). */
export async function exportAllowance(db: Database, userId: string, now: Date): Promise<number> {
	const since = new Date(now.getTime() - HOUR_MS);
	const [row] = await db
		.select({ n: count() })
		.from(exportsRegister)
		.where(and(eq(exportsRegister.userId, userId), gt(exportsRegister.createdAt, since)));
	return Math.max(0, EXPORTS_PER_HOUR - Number(row?.n ?? 0));
}

/** When the user may export again: an hour after the oldest export still counting. */
export async function nextExportAt(db: Database, userId: string, now: Date): Promise<Date> {
	const since = new Date(now.getTime() - HOUR_MS);
	const [row] = await db
		.select({ oldest: sql<string | Date | null>`min(${exportsRegister.createdAt})` })
		.from(exportsRegister)
		.where(and(eq(exportsRegister.userId, userId), gt(exportsRegister.createdAt, since)));
	return row?.oldest ? new Date(new Date(row.oldest).getTime() + HOUR_MS) : now;
}

/** The export's id: chosen before the file is made, because the watermark prints it. */
export function newExportId(): string {
	return randomUUID();
}

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** Who exports, from the server session only; the seat they export through. */
export interface ExportActor {
	userId: string;
	sessionId: string;
	areaId: string;
	agencyId: string | null;
	role: string | null;
	ip: string | null;
}

export interface ExportEntry {
	id: string;
	kind: ExportKind;
	recipientUserId?: string | null;
	recipientAgencyId?: string | null;
	meetingId?: string | null;
	minutesVersion?: number | null;
	reason: string;
	filename: string;
	/** The file exactly as it will be served: its size and SHA-256 are registered. */
	content: Uint8Array;
	at: Date;
}

export type RecordResult =
	{ kind: 'recorded'; sha256: string; bytes: number } | { kind: 'rate-limited' };

/**
 * Registers an export and audits it, in one transaction. The hourly limit is checked again here
 * under a per-user lock, so two exports sent at once cannot both take the last place.
 */
export async function recordExport(
	db: Database,
	actor: ExportActor,
	entry: ExportEntry
): Promise<RecordResult> {
	const sha256 = sha256Hex(entry.content);
	const bytes = entry.content.byteLength;
	return db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`exports:${actor.userId}`}))`);
		if ((await exportAllowance(tx, actor.userId, entry.at)) <= 0) {
			return { kind: 'rate-limited' } as const;
		}
		await tx.insert(exportsRegister).values({
			id: entry.id,
			areaId: actor.areaId,
			userId: actor.userId,
			sessionId: actor.sessionId,
			recipientUserId: entry.recipientUserId ?? null,
			recipientAgencyId: entry.recipientAgencyId ?? null,
			kind: entry.kind,
			meetingId: entry.meetingId ?? null,
			minutesVersion: entry.minutesVersion ?? null,
			reason: entry.reason,
			filename: entry.filename,
			bytes,
			sha256,
			createdAt: entry.at
		});
		// Identifiers only: the reason is free text and stays in the register.
		await tx.insert(auditEvents).values({
			at: entry.at,
			action: 'export',
			outcome: 'success',
			userId: actor.userId,
			sessionId: actor.sessionId,
			areaId: actor.areaId,
			agencyId: actor.agencyId,
			role: actor.role,
			ip: actor.ip,
			target: entry.meetingId ? `meeting:${entry.meetingId}` : `area:${actor.areaId}`,
			details: {
				exportId: entry.id,
				kind: entry.kind,
				recipientAgencyId: entry.recipientAgencyId ?? null,
				recipientUserId: entry.recipientUserId ?? null,
				minutesVersion: entry.minutesVersion ?? null,
				bytes,
				sha256
			}
		});
		return { kind: 'recorded', sha256, bytes } as const;
	});
}

/** An export refused before any file was made (audited; no register row). */
export async function recordRefusedExport(
	db: Database,
	actor: Omit<ExportActor, 'areaId'> & { areaId: string | null },
	refusal: {
		kind: ExportKind;
		reason: 'role' | 'step_up' | 'rate_limit' | 'recipient';
		target: string;
		at: Date;
	}
): Promise<void> {
	await db.insert(auditEvents).values({
		at: refusal.at,
		action: 'export',
		outcome: 'denied',
		userId: actor.userId,
		sessionId: actor.sessionId,
		areaId: actor.areaId,
		agencyId: actor.agencyId,
		role: actor.role,
		ip: actor.ip,
		target: refusal.target,
		details: { kind: refusal.kind, reason: refusal.reason }
	});
}

const MAX_FILENAME = 120;

/**
 * A file name safe in a header and on any file system: ASCII letters, digits, dot, dash and
 * underscore only; no leading dots; at most 120 characters.
 */
export function safeFilename(name: string, fallback = 'export'): string {
	const ascii = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^A-Za-z0-9._-]+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^[.-]+/, '')
		.replace(/-+(\.[A-Za-z0-9]+)$/, '$1');
	const trimmed = ascii.length > MAX_FILENAME ? ascii.slice(ascii.length - MAX_FILENAME) : ascii;
	const cleaned = trimmed.replace(/^[.-]+/, '');
	return cleaned === '' || /^\.*$/.test(cleaned) ? fallback : cleaned;
}

/** RFC 5987 ext-value: UTF-8, percent-encoded beyond attr-char. */
function rfc5987(value: string): string {
	return encodeURIComponent(value).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
}

/**
 * `Content-Disposition: attachment` for a file name: the ASCII-safe name, plus `filename*` with
 * the original (minus control characters and path separators) when that differs.
 */
export function contentDisposition(filename: string): string {
	const ascii = safeFilename(filename);
	const original = filename.replace(/[\p{Cc}\p{Cf}/\\"]/gu, '').trim();
	const extended = original && original !== ascii ? `; filename*=UTF-8''${rfc5987(original)}` : '';
	return `attachment; filename="${ascii}"${extended}`;
}

/** The export as a download: never shown inline, never cached, never sniffed. */
export function attachment(bytes: Uint8Array, filename: string, contentType: string): Response {
	return new Response(bytes as Uint8Array<ArrayBuffer>, {
		status: 200,
		headers: {
			'content-type': contentType,
			'content-length': String(bytes.byteLength),
			'content-disposition': contentDisposition(filename),
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff'
		}
	});
}

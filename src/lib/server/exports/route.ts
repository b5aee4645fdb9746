// Glue for the export routes (SvelteKit-aware, unlike the rest of this folder): finds the meeting,
// asks the policy, and sends a stale step-up to /reauth.
import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { DomainError, NotFoundError } from '../errors.ts';
import {
	loadMeeting,
	RefusedError,
	type LoadedMeeting,
	type MeetingContext
} from '../meetings/context.ts';
import type { Database } from '../db/index.ts';
import { runtime } from '../app.ts';
import { requestMeta, requireUser } from '../guard.ts';
import { AreaExportSchema } from '../../schemas/exports.ts';
import { toLondonLocal } from '../../dates.ts';
import { mayExportMeeting } from '../policy/exports.ts';
import { seatIn, type Principal } from '../policy/index.ts';
import {
	attachment,
	exportAllowance,
	EXPORTS_PER_HOUR,
	STEP_UP_MINUTES,
	newExportId,
	nextExportAt,
	recordExport,
	recordRefusedExport,
	safeFilename,
	stepUpFresh,
	type ExportActor,
	type ExportKind
} from './index.ts';

/** The path of /reauth that comes back to `next` afterwards. */
export function reauthPath(next: string): string {
	return `/reauth?${new URLSearchParams({ next })}`;
}

/**
 * The meeting, if this person may export from it: NotFoundError for a meeting they cannot see,
 * RefusedError (audited) for one they see but may not export from.
 */
export async function exportableMeeting(
	ctx: MeetingContext,
	meetingId: string,
	kind: ExportKind
): Promise<LoadedMeeting> {
	const loaded = await loadMeeting(ctx, meetingId);
	if (!mayExportMeeting(ctx.principal, loaded.meeting)) {
		await recordRefusedExport(ctx.db, exportActor(ctx, loaded), {
			kind,
			reason: 'role',
			target: `meeting:${meetingId}`,
			at: ctx.now
		});
		throw new RefusedError('Only the coordinator or the chair can export from this meeting.');
	}
	return loaded;
}

export function exportActor(ctx: MeetingContext, loaded: LoadedMeeting): ExportActor {
	return {
		userId: ctx.actor.userId!,
		sessionId: ctx.actor.sessionId!,
		areaId: loaded.meeting.areaId,
		agencyId: loaded.seat.agencyId,
		role: loaded.seat.role,
		ip: ctx.actor.ip ?? null
	};
}

/** Redirects (303) to /reauth unless the session stepped up within the last few minutes. */
export async function requireStepUp(
	ctx: { db: Database; now: Date },
	session: { stepUpAt: Date | null },
	next: string,
	audit?: { actor: ExportActor; kind: ExportKind; target: string }
): Promise<void> {
	if (stepUpFresh(session, ctx.now)) return;
	if (audit) {
		await recordRefusedExport(ctx.db, audit.actor, {
			kind: audit.kind,
			reason: 'step_up',
			target: audit.target,
			at: ctx.now
		});
	}
	redirect(303, reauthPath(next));
}

/** A plain-text answer for a refused export (the endpoint is not a page). */
export function textResponse(status: number, message: string): Response {
	return new Response(message, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
	});
}

function rateLimited(next: Date): Response {
	const at = toLondonLocal(next).slice(11); // hh:mm, UK time
	return textResponse(
		429,
		`You have made ${EXPORTS_PER_HOUR} exports in the last hour, the most allowed. You can export again after ${at}.`
	);
}

/** What an export produced, ready to be registered and sent. */
export interface ExportFile {
	content: Uint8Array;
	filename: string;
	contentType: string;
	/** When the form chose among kinds (minutes as DOCX or PDF); else the export's kind. */
	kind?: ExportKind;
	recipientUserId?: string | null;
	recipientAgencyId?: string | null;
	minutesVersion?: number | null;
}

/** Where an export comes from, once the person may export from it at all. */
export interface ExportScope<L> {
	loaded: L;
	actor: ExportActor;
	/** For the audit log: `meeting:<id>` or `area:<id>`. */
	target: string;
	meetingId: string | null;
}

export interface ExportRun<S extends v.GenericSchema, L, P> {
	db: Database;
	now: Date;
	request: Request;
	session: { stepUpAt: Date | null };
	user: { id: string; name: string };
	kind: ExportKind;
	/**
	 * Finds what is exported from (from the path, or identifiers in the form) and checks the
	 * person's role: a Response refuses.
	 */
	scope: (raw: Record<string, string>) => Promise<ExportScope<L> | Response>;
	schema: S;
	/** The form page to go back to, with only identifiers from the form (never free text). */
	back: (raw: Record<string, string>, problem?: string) => string;
	/**
	 * Checks the recipient (and anything else the export depends on); a DomainError sends the
	 * person back to the form with the error's field, audited as a refused export.
	 */
	prepare: (loaded: L, data: v.InferOutput<S>) => Promise<P>;
	/** Renders the file; `exportId` is printed in it (watermark) and names the register row. */
	render: (prepared: P, exportId: string, loaded: L) => Promise<ExportFile>;
	reason: (data: v.InferOutput<S>) => string;
}

/**
 * Every export takes the same path: what it is from and the person's role (404 / 403), a fresh
 * step-up (else /reauth), a valid form, an acceptable recipient, the hourly limit (429), then
 * the file, registered with its SHA-256 and audited, sent as an attachment that is never stored
 * by the browser's cache.
 */
export async function runExport<S extends v.GenericSchema, L, P>(
	x: ExportRun<S, L, P>
): Promise<Response> {
	const { db, now, kind } = x;
	const form = await x.request.formData();
	const raw = Object.fromEntries(
		[...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string')
	);
	const scope = await x.scope(raw);
	if (scope instanceof Response) return scope;
	const { actor, target } = scope;
	const refuse = (reason: 'recipient' | 'rate_limit') =>
		recordRefusedExport(db, actor, { kind, reason, target, at: now });
	await requireStepUp({ db, now }, x.session, x.back(raw), { actor, kind, target });
	const parsed = v.safeParse(x.schema, raw);
	if (!parsed.success) redirect(303, x.back(raw, v.getDotPath(parsed.issues[0]!) ?? 'form'));
	let prepared: P;
	try {
		prepared = await x.prepare(scope.loaded, parsed.output);
	} catch (e) {
		if (!(e instanceof DomainError)) throw e;
		await refuse('recipient');
		redirect(303, x.back(raw, e.field ?? 'form'));
	}
	if ((await exportAllowance(db, x.user.id, now)) <= 0) {
		await refuse('rate_limit');
		return rateLimited(await nextExportAt(db, x.user.id, now));
	}
	const id = newExportId();
	const file = await x.render(prepared, id, scope.loaded);
	const filename = safeFilename(file.filename);
	const recorded = await recordExport(db, actor, {
		id,
		kind: file.kind ?? kind,
		recipientUserId: file.recipientUserId ?? null,
		recipientAgencyId: file.recipientAgencyId ?? null,
		minutesVersion: file.minutesVersion ?? null,
		meetingId: scope.meetingId,
		reason: x.reason(parsed.output),
		filename,
		content: file.content,
		at: now
	});
	if (recorded.kind === 'rate-limited') {
		await refuse('rate_limit');
		return rateLimited(await nextExportAt(db, x.user.id, now));
	}
	return attachment(file.content, filename, file.contentType);
}

export type MeetingExport<S extends v.GenericSchema, P> = Omit<
	ExportRun<S, LoadedMeeting, P>,
	'db' | 'now' | 'scope'
> & { ctx: MeetingContext; meetingId: string };

/** An export from a meeting: only its area's coordinator or chair (exportableMeeting). */
export function runMeetingExport<S extends v.GenericSchema, P>(
	x: MeetingExport<S, P>
): Promise<Response> {
	const { ctx } = x;
	return runExport({
		...x,
		db: ctx.db,
		now: ctx.now,
		scope: async () => {
			try {
				const loaded = await exportableMeeting(ctx, x.meetingId, x.kind);
				return {
					loaded,
					actor: exportActor(ctx, loaded),
					target: `meeting:${loaded.meeting.id}`,
					meetingId: loaded.meeting.id
				};
			} catch (e) {
				if (e instanceof NotFoundError) return textResponse(404, e.message);
				if (e instanceof DomainError) return textResponse(403, e.message);
				throw e;
			}
		}
	});
}

/** The exporter as the audit log and register record them, acting through their seat in an area. */
export function areaExportActor(
	signedIn: { principal: Principal; session: { id: string } },
	areaId: string,
	ip: string | null
): ExportActor {
	const seat = seatIn(signedIn.principal, areaId);
	return {
		userId: signedIn.principal.userId,
		sessionId: signedIn.session.id,
		areaId,
		agencyId: seat?.agencyId ?? null,
		role: seat?.role ?? null,
		ip
	};
}

export interface ExportGate {
	/** Stepped up in the last few minutes: the form can be shown. */
	fresh: boolean;
	/** /reauth, coming back to this page. */
	reauth: string;
	remaining: number;
	limit: number;
	stepUpMinutes: number;
	/** Why the export endpoint sent the person back (from the `problem` code in the URL). */
	errors: Record<string, string> | null;
}

/** What a page with an export form needs to know before showing it. */
export async function exportGate(
	db: Database,
	session: { stepUpAt: Date | null },
	userId: string,
	now: Date,
	url: URL,
	problems: Record<string, string>
): Promise<ExportGate> {
	const problem = url.searchParams.get('problem') ?? '';
	return {
		fresh: stepUpFresh(session, now),
		reauth: reauthPath(`${url.pathname}${url.search}`),
		remaining: await exportAllowance(db, userId, now),
		limit: EXPORTS_PER_HOUR,
		stepUpMinutes: STEP_UP_MINUTES,
		errors: problem in problems ? { [problem]: problems[problem]! } : null
	};
}

export interface AreaExport<L extends { id: string }> {
	request: Request;
	kind: ExportKind;
	/** The page the form is on (`/data-return`), to come back to. */
	page: string;
	/** Form fields that identify what is exported (area, quarter…): kept when sending back. */
	keep: Record<string, (value: string) => boolean>;
	/** The area (and anything else) asked for; throws the page's own 400/403/404. */
	scope: (raw: Record<string, string>) => Promise<L>;
	render: (loaded: L, now: Date) => Promise<ExportFile>;
}

/**
 * An export of an area's aggregate figures (the data return, the trafficking dashboard): a
 * reason is all the form asks; the rest is the one export path.
 */
export async function runAreaExport<L extends { id: string }>(x: AreaExport<L>): Promise<Response> {
	const signedIn = requireUser();
	const rt = await runtime();
	const now = rt.now();
	return runExport({
		db: rt.db,
		now,
		request: x.request,
		session: signedIn.session,
		user: signedIn.user,
		kind: x.kind,
		schema: AreaExportSchema,
		scope: async (raw) => {
			const loaded = await x.scope(raw);
			return {
				loaded,
				actor: areaExportActor(signedIn, loaded.id, requestMeta().ip),
				target: `area:${loaded.id}`,
				meetingId: null
			};
		},
		back: (raw, problem) => {
			const query = new URLSearchParams();
			for (const [name, valid] of Object.entries(x.keep)) {
				const value = raw[name];
				if (value !== undefined && valid(value)) query.set(name, value);
			}
			if (problem) query.set('problem', problem);
			return query.size ? `${x.page}?${query}` : x.page;
		},
		prepare: async (loaded) => loaded,
		render: (loaded) => x.render(loaded, now),
		reason: (data) => data.reason
	});
}

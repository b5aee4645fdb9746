// Glue for the export routes (SvelteKit-aware, unlike the rest of this folder): finds the meeting,
// asks the policy, and sends a stale step-up to /reauth.
import { redirect } from '@sveltejs/kit';
import {
	loadMeeting,
	RefusedError,
	type LoadedMeeting,
	type MeetingContext
} from '../meetings/context.ts';
import { mayExportMeeting } from '../policy/exports.ts';
import { recordRefusedExport, stepUpFresh, type ExportActor, type ExportKind } from './index.ts';

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
	ctx: MeetingContext,
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

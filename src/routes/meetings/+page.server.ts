import { redirect } from '@sveltejs/kit';
import { parseForm } from '$lib/server/forms';
import { listMeetings, scheduleMeeting } from '$lib/server/meetings';
import { commandFailure, meetingContext } from '$lib/server/meetings/route';
import { ScheduleSchema } from '$lib/schemas/meetings';
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const ctx = await meetingContext();
	return await listMeetings(ctx);
};

export const actions: Actions = {
	schedule: async ({ request }) => {
		const ctx = await meetingContext();
		const parsed = await parseForm(request, ScheduleSchema);
		if (!parsed.ok) {
			return fail(400, { action: 'schedule', errors: parsed.errors, values: parsed.values });
		}
		let id: string;
		try {
			id = await scheduleMeeting(ctx, parsed.data);
		} catch (e) {
			return commandFailure('schedule', e, {
				...parsed.data,
				online: parsed.data.online ? 'yes' : '',
				caseMinutes: String(parsed.data.caseMinutes)
			});
		}
		redirect(303, `/meetings/${id}?scheduled`);
	}
};

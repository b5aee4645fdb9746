import { redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import {
	addToAgenda,
	markResearch,
	meetingAgenda,
	moveOnAgenda,
	removeFromAgenda,
	reorderAgenda,
	resetAgendaOrder,
	startMeeting
} from '$lib/server/meetings';
import { command, commandFailure, meetingContext, pageFailure } from '$lib/server/meetings/route';
import {
	AgendaCaseSchema,
	AgendaItemSchema,
	ReorderSchema,
	ResearchSchema
} from '$lib/schemas/meetings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const ctx = await meetingContext();
	try {
		return await meetingAgenda(ctx, params.id);
	} catch (e) {
		pageFailure(e);
	}
};

export const actions: Actions = {
	add: ({ request, params }) =>
		command('add', request, AgendaCaseSchema, (ctx, d) => addToAgenda(ctx, params.id, d.caseId)),
	remove: ({ request, params }) =>
		command('remove', request, AgendaItemSchema, (ctx, d) =>
			removeFromAgenda(ctx, params.id, d.itemId)
		),
	up: ({ request, params }) =>
		command('up', request, AgendaItemSchema, (ctx, d) =>
			moveOnAgenda(ctx, params.id, d.itemId, -1)
		),
	down: ({ request, params }) =>
		command('down', request, AgendaItemSchema, (ctx, d) =>
			moveOnAgenda(ctx, params.id, d.itemId, 1)
		),
	reorder: ({ request, params }) =>
		command('reorder', request, ReorderSchema, (ctx, d) => reorderAgenda(ctx, params.id, d.order)),
	defaultOrder: ({ request, params }) =>
		command('defaultOrder', request, v.object({}), (ctx) => resetAgendaOrder(ctx, params.id)),
	research: ({ request, params }) =>
		command('research', request, ResearchSchema, (ctx, d) =>
			markResearch(ctx, params.id, d.itemId, d.done)
		),
	start: async ({ params }) => {
		const ctx = await meetingContext();
		try {
			await startMeeting(ctx, params.id);
		} catch (e) {
			return commandFailure('start', e);
		}
		redirect(303, `/meetings/${params.id}/live`);
	}
};

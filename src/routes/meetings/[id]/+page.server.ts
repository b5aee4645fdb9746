import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { parseForm } from '$lib/server/forms';
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
import { commandFailure, meetingContext, pageFailure } from '$lib/server/meetings/route';
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

/** Parses the form, runs the command, and turns failures into form data for `action`. */
async function command<S extends v.GenericSchema>(
	action: string,
	request: Request,
	schema: S,
	run: (ctx: Awaited<ReturnType<typeof meetingContext>>, data: v.InferOutput<S>) => Promise<unknown>
) {
	const ctx = await meetingContext();
	const parsed = await parseForm(request, schema);
	if (!parsed.ok) return fail(400, { action, errors: parsed.errors, values: parsed.values });
	try {
		const result = await run(ctx, parsed.data);
		return { action, ok: true, result };
	} catch (e) {
		return commandFailure(action, e);
	}
}

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

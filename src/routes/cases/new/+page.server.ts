import { error, fail, redirect } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { londonDate } from '$lib/dates';
import { requestMeta, requireUser } from '$lib/server/guard';
import { DomainError } from '$lib/server/errors';
import { createReferral } from '$lib/server/cases/referral';
import { referralSeats } from '$lib/server/policy/referrals';
import { addRow, parseReferral, removeRow, type FormValues } from '$lib/schemas/referral';
import type { Actions, PageServerLoad } from './$types';

/** Observers and administrators never refer (DESIGN §1, §5). */
function seatsOrRefuse() {
	const signedIn = requireUser();
	const seats = referralSeats(signedIn.principal);
	if (seats.length === 0)
		error(403, 'Only members of a MARAC area (not observers) can refer cases.');
	return { ...signedIn, seats };
}

export const load: PageServerLoad = async ({ url }) => {
	const { user, seats } = seatsOrRefuse();
	const kind =
		url.searchParams.get('kind') === 'human_trafficking' ? 'human_trafficking' : 'domestic_abuse';
	const values: FormValues = {
		kind,
		areaId: seats[0]!.areaId,
		'referrer.name': user.name,
		'victim.gender': '',
		...(kind === 'domestic_abuse' ? { 'perpetrators.0.name': '' } : {})
	};
	return {
		values,
		seats: seats.map((s) => ({ areaId: s.areaId, areaName: s.areaName, agencyName: s.agencyName }))
	};
};

const ROW_OP = /^(add|remove)-(perpetrators|children)(?:-(\d{1,2}))?$/;

export const actions: Actions = {
	default: async ({ request }) => {
		const { principal, session, seats } = seatsOrRefuse();
		const form = await request.formData();
		let values: FormValues = {};
		for (const [key, value] of form) {
			if (typeof value === 'string' && key !== '_op' && key.length <= 60) values[key] = value;
		}
		// Without JavaScript, "Add" and "Remove" buttons post the form: redisplay it, one row more or less.
		const op = ROW_OP.exec(String(form.get('_op') ?? ''));
		if (op) {
			const list = op[2] as 'perpetrators' | 'children';
			values = op[1] === 'add' ? addRow(values, list) : removeRow(values, list, Number(op[3]));
			return { values, errors: {} as Record<string, string>, rows: list };
		}
		if (seats.length === 1) values.areaId = seats[0]!.areaId;
		const rt = await runtime();
		const now = rt.now();
		const parsed = parseReferral(values, londonDate(now));
		if (!parsed.ok) return fail(400, { values, errors: parsed.errors, rows: null });
		let created;
		try {
			created = await createReferral(
				rt.db,
				rt.documents,
				{ principal, sessionId: session.id, ip: requestMeta().ip },
				parsed.data,
				now
			);
		} catch (e) {
			if (!(e instanceof DomainError)) throw e;
			return fail(400, { values, errors: { [e.field ?? 'form']: e.message }, rows: null });
		}
		redirect(303, `/cases/${created.id}/referral?created=1`);
	}
};

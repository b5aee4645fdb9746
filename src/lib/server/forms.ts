import { fail, type ActionFailure } from '@sveltejs/kit';
import * as v from 'valibot';

export type FieldErrors = Record<string, string>;

export type Parsed<T> =
	{ ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/**
 * The one place form data is read: every action parses its fields through a Valibot schema.
 * On failure it returns per-field messages and what was typed (minus secrets) to redisplay.
 */
export async function parseForm<S extends v.GenericSchema>(
	request: Request,
	schema: S,
	secretFields: string[] = ['password', 'code']
): Promise<Parsed<v.InferOutput<S>>> {
	const form = await request.formData();
	const raw: Record<string, string> = {};
	for (const [key, value] of form) if (typeof value === 'string') raw[key] = value;
	const result = v.safeParse(schema, raw);
	if (result.success) return { ok: true, data: result.output };
	const errors: FieldErrors = {};
	for (const issue of result.issues) {
		const key = v.getDotPath(issue) ?? 'form';
		errors[key] ??= issue.message;
	}
	const values = Object.fromEntries(
		Object.entries(raw).filter(([key]) => !secretFields.includes(key))
	);
	return { ok: false, errors, values };
}

/**
 * A refused form submission, always in one shape so pages can show `errors` and redisplay
 * `values` (minus secrets) whatever the failure was.
 */
export interface Refusal {
	errors: FieldErrors;
	values: Record<string, string>;
}

export function invalid(
	status: number,
	errors: FieldErrors,
	values: Record<string, string> = {}
): ActionFailure<Refusal> {
	return fail(status, { errors, values });
}

// The register's query string (/cases?status=…&page=…): anything unknown or malformed is ignored,
// so a hand-edited or stale bookmark still opens the register.
import * as v from 'valibot';

const CASE_STATUSES = ['referred', 'listed', 'open', 'closed', 'transferred'] as const;
const CASE_KINDS = ['domestic_abuse', 'human_trafficking'] as const;

const loose = <T extends v.GenericSchema>(schema: T) => v.fallback(v.optional(schema), undefined);

export const RegisterQuerySchema = v.object({
	status: loose(v.picklist(CASE_STATUSES)),
	kind: loose(v.picklist(CASE_KINDS)),
	meeting: loose(v.pipe(v.string(), v.uuid())),
	repeat: loose(v.picklist(['yes', 'unconfirmed', 'no'])),
	overdue: loose(
		v.pipe(
			v.literal('yes'),
			v.transform(() => true)
		)
	),
	q: v.fallback(v.pipe(v.optional(v.string(), ''), v.trim(), v.maxLength(80)), ''),
	page: v.fallback(
		v.pipe(v.optional(v.string(), '1'), v.regex(/^\d{1,5}$/), v.transform(Number), v.minValue(1)),
		1
	)
});

export type RegisterQuery = v.InferOutput<typeof RegisterQuerySchema>;

/** The query as a flat record of strings (empty values dropped). */
export function readRegisterQuery(params: URLSearchParams): RegisterQuery {
	const raw: Record<string, string> = {};
	for (const key of ['status', 'kind', 'meeting', 'repeat', 'overdue', 'q', 'page']) {
		const value = params.get(key);
		if (value) raw[key] = value;
	}
	return v.parse(RegisterQuerySchema, raw);
}

// Form schemas for /meetings (shared by client preflight and the server).
import * as v from 'valibot';

/** A choice from a list of records: empty means nothing was chosen. */
const uuid = (message: string) =>
	v.pipe(v.optional(v.string(), ''), v.trim(), v.nonEmpty(message), v.uuid(message));
/** An unticked checkbox is absent from the form. */
const yes = v.pipe(
	v.optional(v.string(), ''),
	v.transform((value) => value === 'yes' || value === 'on')
);

export const ScheduleSchema = v.object({
	areaId: uuid('Choose the area.'),
	date: v.pipe(
		v.optional(v.string(), ''),
		v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the date, for example 2026-12-15.')
	),
	time: v.pipe(
		v.optional(v.string(), ''),
		v.regex(/^\d{2}:\d{2}$/, 'Enter the time, for example 09:30.')
	),
	venue: v.pipe(
		v.optional(v.string(), ''),
		v.maxLength(200, 'Keep the venue under 200 characters.')
	),
	online: yes,
	chairUserId: uuid('Choose the chair.'),
	caseMinutes: v.pipe(
		v.optional(v.string(), '12'),
		v.transform((s) => (s.trim() === '' ? 12 : Number(s))),
		v.number('Enter the minutes per case as a number.'),
		v.integer('Enter whole minutes.'),
		v.minValue(3, 'Allow at least 3 minutes per case.'),
		v.maxValue(60, 'Allow at most 60 minutes per case.')
	)
});

export const AgendaCaseSchema = v.object({ caseId: uuid('Choose a case to list.') });
export const AgendaItemSchema = v.object({ itemId: uuid('Choose a case on the agenda.') });
export const ReorderSchema = v.object({
	order: v.pipe(
		v.string(),
		v.transform((s) => s.split(',').filter(Boolean)),
		v.array(v.pipe(v.string(), v.uuid('The new order is not valid.'))),
		v.maxLength(200, 'The new order is not valid.')
	)
});
export const ResearchSchema = v.object({
	itemId: uuid('Choose a case on the agenda.'),
	done: yes
});

export const ApologiesSchema = v.object({
	userId: uuid('Choose who sent apologies.'),
	informationSent: v.picklist(['yes', 'no'], 'Say whether they sent their information.')
});

export const MoveSchema = v.object({
	to: v.union([v.picklist(['next', 'previous']), v.pipe(v.string(), v.uuid())], 'Choose a case.')
});

export const QuickActionSchema = v.object({
	caseId: uuid('There is no current case.'),
	agencyId: uuid('Choose the agency that owns the action.'),
	text: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.minLength(3, 'Describe the action: what, by whom, by when.'),
		v.maxLength(2000, 'Keep the action under 2,000 characters.')
	),
	dueOn: v.pipe(
		v.optional(v.string(), ''),
		v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the due date, for example 2026-12-15.')
	)
});

/** Issuing minutes: the first version needs no reason; later ones do (checked by the server). */
export const IssueMinutesSchema = v.object({
	whyNewVersion: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.maxLength(500, 'Keep the reason under 500 characters.')
	)
});

export const MINUTES_FORMATS = ['docx', 'pdf'] as const;

/** Exporting an issued version of the minutes for one recipient. */
export const ExportMinutesSchema = v.object({
	version: v.pipe(
		v.optional(v.string(), ''),
		v.transform(Number),
		v.number('Choose an issued version.'),
		v.integer('Choose an issued version.'),
		v.minValue(1, 'Choose an issued version.')
	),
	recipient: uuid('Choose who the minutes are for.'),
	format: v.picklist(MINUTES_FORMATS, 'Choose Word (DOCX) or PDF.'),
	reason: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.minLength(5, 'Say why the minutes are exported (for the exports register).'),
		v.maxLength(300, 'Keep the reason under 300 characters.')
	)
});

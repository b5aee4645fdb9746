// The referral form: flat form fields ("victim.name", "perpetrators.0.dob") parsed section by
// section with Valibot, so every message lands on the field it belongs to. No $lib imports: the
// server module types its input from here by relative path.
import * as v from 'valibot';
import {
	CHILD_RELATIONSHIP_TEXT,
	DASH_HIGH_RISK,
	DASH_MAX,
	DISABILITY_TEXT,
	ETHNICITY_TEXT,
	EXPLOITATIONS,
	GENDER_TEXT,
	INTERPRETER_GENDER_TEXT,
	MAX_ROWS,
	NRM_CONSENT_TEXT,
	NRM_REFERRAL_TEXT,
	PERPETRATOR_RELATIONSHIP_TEXT,
	REFERRAL_KINDS,
	SELF_IDENTIFIES_TEXT,
	SEXUALITY_TEXT,
	YES_NO_TEXT,
	type Exploitation,
	type ReferralKind
} from '../referral.ts';
import { parseIsoDate } from '../dates.ts';

export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

const keys = <T extends object>(o: T) =>
	Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

const optionalText = (max: number, label: string) =>
	v.pipe(v.string(), v.trim(), v.maxLength(max, `${label} must be ${max} characters or fewer.`));
const requiredText = (max: number, empty: string, label: string) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty(empty),
		v.maxLength(max, `${label} must be ${max} characters or fewer.`)
	);
const choice = <T extends object>(text: T, empty: string) => v.picklist(keys(text), empty);
const optionalChoice = <T extends object>(text: T, message: string) =>
	v.union([v.literal(''), v.picklist(keys(text))], message);

/** A yyyy-mm-dd date that exists, not in the future, not before 1900; empty when allowed. */
function dateField(label: string, today: string, required: boolean) {
	return v.pipe(
		v.string(),
		v.trim(),
		v.check((s) => !required || s !== '', `Enter ${label}.`),
		v.check(
			(s) => s === '' || parseIsoDate(s) !== null,
			`Enter ${label} as a real date, for example 1990-03-27.`
		),
		v.check(
			(s) => s === '' || s <= today,
			`${label[0]!.toUpperCase()}${label.slice(1)} must be today or in the past.`
		),
		v.check(
			(s) => s === '' || s >= '1900-01-01',
			`${label[0]!.toUpperCase()}${label.slice(1)} must be after 1900.`
		)
	);
}

const ReferrerSchema = v.object({
	name: requiredText(120, 'Enter your name.', 'Your name'),
	contact: requiredText(
		200,
		'Enter a phone number or e-mail address the coordinator can reach you on.',
		'Your contact details'
	)
});

function victimSchema(today: string) {
	return v.object({
		name: requiredText(120, 'Enter the victim’s name.', 'The name'),
		aliases: optionalText(500, 'Other names'),
		dob: dateField('the date of birth', today, false),
		gender: choice(GENDER_TEXT, 'Choose the victim’s gender (or “Not known”).'),
		ethnicity: optionalChoice(ETHNICITY_TEXT, 'Choose an ethnicity from the list.'),
		disability: optionalChoice(DISABILITY_TEXT, 'Choose yes, no or not known.'),
		sexuality: optionalChoice(SEXUALITY_TEXT, 'Choose a sexuality from the list.'),
		language: optionalText(80, 'The main language'),
		interpreterNeeded: v.boolean(),
		interpreterLanguage: optionalText(80, 'The interpreter’s language'),
		dialect: optionalText(80, 'The dialect'),
		interpreterGender: optionalChoice(INTERPRETER_GENDER_TEXT, 'Choose an interpreter preference.')
	});
}

const ContactSchema = v.object({
	safePhone: optionalText(40, 'The safe phone number'),
	safeTimes: optionalText(200, 'Safe times to call'),
	address: optionalText(500, 'The address'),
	safeWords: optionalText(200, 'The safe words')
});

function perpetratorSchema(today: string) {
	return v.object({
		name: requiredText(120, 'Enter the perpetrator’s name (or “Not known”).', 'The name'),
		dob: dateField('the perpetrator’s date of birth', today, false),
		relationship: choice(
			PERPETRATOR_RELATIONSHIP_TEXT,
			'Choose how the perpetrator is related to the victim.'
		)
	});
}

function childSchema(today: string) {
	return v.object({
		name: requiredText(60, 'Enter the child’s initials or name.', 'The initials or name'),
		dob: dateField('the child’s date of birth', today, false),
		relationship: choice(CHILD_RELATIONSHIP_TEXT, 'Choose the child’s relationship.'),
		school: optionalText(120, 'The school')
	});
}

const CriteriaSchema = v.object({
	dashScore: v.union(
		[
			v.literal(''),
			v.pipe(
				v.string(),
				v.regex(/^\d{1,2}$/, `Enter the Dash score as a whole number from 0 to ${DASH_MAX}.`),
				v.transform(Number),
				v.maxValue(DASH_MAX, `Enter the Dash score as a whole number from 0 to ${DASH_MAX}.`)
			)
		],
		`Enter the Dash score as a whole number from 0 to ${DASH_MAX}.`
	),
	professionalJudgement: v.boolean(),
	judgementReasons: optionalText(2000, 'The reasons'),
	potentialEscalation: v.boolean(),
	incidents: v.union(
		[
			v.literal(''),
			v.pipe(
				v.string(),
				v.regex(/^\d{1,3}$/, 'Enter the number of incidents as a whole number.'),
				v.transform(Number)
			)
		],
		'Enter the number of incidents as a whole number.'
	),
	repeatDeclared: v.boolean()
});

const ConsentSchema = v.object({
	victimAware: choice(YES_NO_TEXT, 'Say whether the victim knows about this referral.'),
	consentGiven: choice(YES_NO_TEXT, 'Say whether the victim consented to this referral.'),
	groundsWithoutConsent: optionalText(2000, 'The grounds')
});

const SafetySchema = v.object({
	afraidOf: optionalText(2000, 'Who the victim is afraid of'),
	safeToTalkTo: optionalText(2000, 'Who is safe to talk to')
});

function traffickingSchema(today: string) {
	return v.object({
		exploitation: v.array(v.picklist(EXPLOITATIONS)),
		nrmReferral: choice(NRM_REFERRAL_TEXT, 'Say whether an NRM referral has been made.'),
		nrmConsent: optionalChoice(NRM_CONSENT_TEXT, 'Choose the NRM consent from the list.'),
		nrmReference: optionalText(60, 'The NRM reference'),
		nrmDate: dateField('the NRM referral date', today, false),
		dutyToNotify: optionalChoice(YES_NO_TEXT, 'Say whether a Duty to Notify (MS1) form was sent.'),
		firstResponder: optionalText(160, 'The first responder organisation'),
		immigrationStatusKnown: optionalChoice(
			YES_NO_TEXT,
			'Say whether the immigration status is known.'
		),
		immigrationStatus: optionalText(200, 'The immigration status'),
		selfIdentifies: optionalChoice(SELF_IDENTIFIES_TEXT, 'Choose yes, no or unsure.'),
		neverFamilyInterpreter: v.boolean()
	});
}

type Out<S extends v.GenericSchema> = v.InferOutput<S>;
export type ReferralVictim = Out<ReturnType<typeof victimSchema>> & { aliasList: string[] };
export type ReferralPerpetrator = Out<ReturnType<typeof perpetratorSchema>>;
export type ReferralChild = Out<ReturnType<typeof childSchema>>;
export type ReferralTrafficking = Out<ReturnType<typeof traffickingSchema>>;

/** A valid referral, as the server stores it. */
export interface ReferralInput {
	kind: ReferralKind;
	areaId: string;
	referrer: Out<typeof ReferrerSchema>;
	victim: ReferralVictim;
	/** Safe-contact details: only ever written to the case's restricted document. */
	contact: Out<typeof ContactSchema>;
	perpetrators: ReferralPerpetrator[];
	children: ReferralChild[];
	criteria: Out<typeof CriteriaSchema>;
	consent: Out<typeof ConsentSchema>;
	safety: Out<typeof SafetySchema>;
	trafficking: ReferralTrafficking | null;
}

export type ReferralParse = { ok: true; data: ReferralInput } | { ok: false; errors: FieldErrors };

const ROW_FIELDS = {
	perpetrators: ['name', 'dob', 'relationship'],
	children: ['name', 'dob', 'relationship', 'school']
} as const;
export type RowList = keyof typeof ROW_FIELDS;

/** How many rows of a repeatable list the form values hold (rows are numbered from 0). */
export function rowCount(values: FormValues, list: RowList): number {
	const pattern = new RegExp(`^${list}\\.(\\d+)\\.`);
	let count = 0;
	for (const key of Object.keys(values)) {
		const m = pattern.exec(key);
		if (m) count = Math.max(count, Number(m[1]) + 1);
	}
	return Math.min(count, MAX_ROWS);
}

/** Adds an empty row at the end (the no-JavaScript "Add" button). */
export function addRow(values: FormValues, list: RowList): FormValues {
	const n = rowCount(values, list);
	if (n >= MAX_ROWS) return values;
	const next = { ...values };
	for (const field of ROW_FIELDS[list]) next[`${list}.${n}.${field}`] = '';
	return next;
}

/** Removes row `index`, renumbering the rows after it (the no-JavaScript "Remove" button). */
export function removeRow(values: FormValues, list: RowList, index: number): FormValues {
	const n = rowCount(values, list);
	const next: FormValues = {};
	for (const [key, value] of Object.entries(values))
		if (!key.startsWith(`${list}.`)) next[key] = value;
	let to = 0;
	for (let from = 0; from < n; from++) {
		if (from === index) continue;
		for (const field of ROW_FIELDS[list])
			next[`${list}.${to}.${field}`] = values[`${list}.${from}.${field}`] ?? '';
		to++;
	}
	return next;
}

const tick = (values: FormValues, key: string) => values[key] === 'yes' || values[key] === 'on';
const str = (values: FormValues, key: string) => values[key] ?? '';

/** Parses one section, filing each issue under `prefix` + its path. */
function section<S extends v.GenericSchema>(
	schema: S,
	input: unknown,
	prefix: string,
	errors: FieldErrors
): Out<S> | undefined {
	const result = v.safeParse(schema, input);
	if (result.success) return result.output;
	for (const issue of result.issues) {
		const path = v.getDotPath(issue);
		errors[path ? `${prefix}.${path}` : prefix] ??= issue.message;
	}
	return undefined;
}

/** Splits "Other names" on commas, semicolons and new lines. */
export function splitAliases(text: string): string[] {
	return [
		...new Set(
			text
				.split(/[,;\n]+/)
				.map((s) => s.trim())
				.filter(Boolean)
		)
	].slice(0, 10);
}

/**
 * Parses the referral form. `today` (yyyy-mm-dd) bounds the dates. Rows left completely empty
 * are ignored; a started row must be completed. Cross-field rules (reasons for professional
 * judgement, grounds for sharing without consent…) are checked together with the fields.
 */
export function parseReferral(values: FormValues, today: string): ReferralParse {
	const errors: FieldErrors = {};
	const kind = str(values, 'kind') as ReferralKind;
	if (!REFERRAL_KINDS.includes(kind)) errors.kind = 'Choose the kind of referral.';
	const areaId = str(values, 'areaId');
	if (!/^[0-9a-f-]{36}$/.test(areaId))
		errors.areaId = 'Choose the MARAC area you are referring to.';
	const trafficking = kind === 'human_trafficking';

	const referrer = section(
		ReferrerSchema,
		{ name: str(values, 'referrer.name'), contact: str(values, 'referrer.contact') },
		'referrer',
		errors
	);
	const victimRaw = {
		name: str(values, 'victim.name'),
		aliases: str(values, 'victim.aliases'),
		dob: str(values, 'victim.dob'),
		gender: str(values, 'victim.gender'),
		ethnicity: str(values, 'victim.ethnicity'),
		disability: str(values, 'victim.disability'),
		sexuality: str(values, 'victim.sexuality'),
		language: str(values, 'victim.language'),
		interpreterNeeded: tick(values, 'victim.interpreterNeeded'),
		interpreterLanguage: str(values, 'victim.interpreterLanguage'),
		dialect: str(values, 'victim.dialect'),
		interpreterGender: str(values, 'victim.interpreterGender')
	};
	const victim = section(victimSchema(today), victimRaw, 'victim', errors);
	if (victim && !/[\p{L}\p{N}]/u.test(victim.name))
		errors['victim.name'] = 'Enter a name with at least one letter.';
	if (victimRaw.interpreterNeeded && victimRaw.interpreterLanguage.trim() === '') {
		errors['victim.interpreterLanguage'] ??= 'Enter the language the interpreter must speak.';
	}
	const contact = section(
		ContactSchema,
		{
			safePhone: str(values, 'contact.safePhone'),
			safeTimes: str(values, 'contact.safeTimes'),
			address: str(values, 'contact.address'),
			safeWords: str(values, 'contact.safeWords')
		},
		'contact',
		errors
	);
	if (contact && contact.safePhone !== '' && !/^[+()\d\s-]{6,40}$/.test(contact.safePhone)) {
		errors['contact.safePhone'] = 'Enter the phone number with digits, spaces and + ( ) - only.';
	}

	const rows = <T>(list: RowList, schema: v.GenericSchema<unknown, T>): T[] => {
		const out: T[] = [];
		for (let i = 0; i < rowCount(values, list); i++) {
			const row = Object.fromEntries(
				ROW_FIELDS[list].map((f) => [f, str(values, `${list}.${i}.${f}`)])
			);
			if (Object.values(row).every((x) => x.trim() === '')) continue;
			const parsed = section(schema, row, `${list}.${i}`, errors);
			if (parsed) out.push(parsed);
		}
		return out;
	};
	const perpetrators = rows('perpetrators', perpetratorSchema(today));
	const children = rows('children', childSchema(today));
	const startedPerpetrators = Object.keys(values).some(
		(k) => k.startsWith('perpetrators.') && values[k]!.trim() !== ''
	);
	if (!trafficking && !startedPerpetrators) {
		errors.perpetrators =
			'Add at least one perpetrator (write “Not known” if the name is not known).';
	}

	const criteria = section(
		CriteriaSchema,
		{
			dashScore: str(values, 'criteria.dashScore').trim(),
			professionalJudgement: tick(values, 'criteria.professionalJudgement'),
			judgementReasons: str(values, 'criteria.judgementReasons'),
			potentialEscalation: tick(values, 'criteria.potentialEscalation'),
			incidents: str(values, 'criteria.incidents').trim(),
			repeatDeclared: tick(values, 'criteria.repeatDeclared')
		},
		'criteria',
		errors
	);
	const pj = tick(values, 'criteria.professionalJudgement');
	const escalation = tick(values, 'criteria.potentialEscalation');
	if (pj && str(values, 'criteria.judgementReasons').trim() === '') {
		errors['criteria.judgementReasons'] ??= 'Give the reasons for your professional judgement.';
	}
	if (escalation && !(Number(str(values, 'criteria.incidents')) >= 3)) {
		errors['criteria.incidents'] ??=
			'Potential escalation means 3 or more incidents in the last 12 months: enter how many.';
	}
	const dash = str(values, 'criteria.dashScore').trim();
	const highRisk = /^\d{1,2}$/.test(dash) && Number(dash) >= DASH_HIGH_RISK;
	if (!trafficking && !highRisk && !pj && !escalation && !tick(values, 'criteria.repeatDeclared')) {
		errors.criteria = `Give at least one reason for referral: a Dash score of ${DASH_HIGH_RISK} or more, professional judgement, potential escalation or a repeat.`;
	}

	const consent = section(
		ConsentSchema,
		{
			victimAware: str(values, 'consent.victimAware'),
			consentGiven: str(values, 'consent.consentGiven'),
			groundsWithoutConsent: str(values, 'consent.groundsWithoutConsent')
		},
		'consent',
		errors
	);
	if (
		str(values, 'consent.consentGiven') === 'no' &&
		str(values, 'consent.groundsWithoutConsent').trim() === ''
	) {
		errors['consent.groundsWithoutConsent'] ??=
			'Give the grounds for sharing this information without consent.';
	}
	const safety = section(
		SafetySchema,
		{ afraidOf: str(values, 'safety.afraidOf'), safeToTalkTo: str(values, 'safety.safeToTalkTo') },
		'safety',
		errors
	);

	let traffickingData: ReferralTrafficking | null | undefined = null;
	if (trafficking) {
		traffickingData = section(
			traffickingSchema(today),
			{
				exploitation: EXPLOITATIONS.filter((e: Exploitation) =>
					tick(values, `trafficking.exploitation.${e}`)
				),
				nrmReferral: str(values, 'trafficking.nrmReferral'),
				nrmConsent: str(values, 'trafficking.nrmConsent'),
				nrmReference: str(values, 'trafficking.nrmReference'),
				nrmDate: str(values, 'trafficking.nrmDate'),
				dutyToNotify: str(values, 'trafficking.dutyToNotify'),
				firstResponder: str(values, 'trafficking.firstResponder'),
				immigrationStatusKnown: str(values, 'trafficking.immigrationStatusKnown'),
				immigrationStatus: str(values, 'trafficking.immigrationStatus'),
				selfIdentifies: str(values, 'trafficking.selfIdentifies'),
				neverFamilyInterpreter: tick(values, 'trafficking.neverFamilyInterpreter')
			},
			'trafficking',
			errors
		);
		if (traffickingData?.nrmReferral === 'made') {
			if (traffickingData.firstResponder === '')
				errors['trafficking.firstResponder'] =
					'Enter the first responder organisation that made the NRM referral.';
			if (traffickingData.nrmConsent === '')
				errors['trafficking.nrmConsent'] = 'Say whether the person consented to the NRM referral.';
		}
		if (traffickingData?.nrmConsent === 'refused' && traffickingData.dutyToNotify === '') {
			errors['trafficking.dutyToNotify'] =
				'Without consent, say whether the Duty to Notify (MS1) form was sent.';
		}
	}

	if (
		Object.keys(errors).length > 0 ||
		!referrer ||
		!victim ||
		!contact ||
		!criteria ||
		!consent ||
		!safety ||
		traffickingData === undefined
	) {
		return {
			ok: false,
			errors: Object.keys(errors).length > 0 ? errors : { form: 'Check the form and try again.' }
		};
	}
	return {
		ok: true,
		data: {
			kind,
			areaId,
			referrer,
			victim: { ...victim, aliasList: splitAliases(victim.aliases) },
			contact,
			perpetrators,
			children,
			criteria,
			consent,
			safety,
			trafficking: traffickingData
		}
	};
}

import * as v from 'valibot';
import { ROLES, SECTORS } from '$lib/domain';

const text = (empty: string, max: number, tooLong: string) =>
	v.pipe(v.string(), v.trim(), v.nonEmpty(empty), v.maxLength(max, tooLong));

/** A choice from a list of records: empty means nothing was chosen. */
const choice = (empty: string) =>
	v.pipe(v.optional(v.string(), ''), v.nonEmpty(empty), v.uuid(empty));

/** An unticked checkbox is absent from the form. */
const checkbox = v.pipe(
	v.optional(v.string(), ''),
	v.transform((value) => value === 'yes' || value === 'on')
);

/** A box the person must tick to confirm a consequential step. */
const confirmation = (message: string) =>
	v.pipe(
		v.optional(v.string(), ''),
		v.check((value) => value === 'yes', message)
	);

const personName = text(
	'Enter the person’s full name.',
	120,
	'Enter a name of 120 characters or fewer.'
);

export const IdSchema = v.pipe(v.string(), v.uuid());

export const AreaSchema = v.object({
	name: text('Enter the area’s name.', 120, 'Enter a name of 120 characters or fewer.'),
	confidentialityStatement: text(
		'Enter the confidentiality statement attendees confirm before each meeting.',
		4000,
		'Enter a statement of 4,000 characters or fewer.'
	)
});

export const AgencySchema = v.object({
	name: text('Enter the agency’s name.', 160, 'Enter a name of 160 characters or fewer.'),
	sector: v.picklist(SECTORS, 'Choose the agency’s sector.')
});

/** The area's adult female population: a whole number, or empty to clear it. */
export const PopulationSchema = v.object({
	population: v.pipe(
		v.optional(v.string(), ''),
		v.trim(),
		v.transform((s) => s.replace(/[,\s]/g, '')),
		v.check(
			(s) => s === '' || /^\d{1,9}$/.test(s),
			'Enter the population as a whole number, for example 120000, or leave it empty.'
		),
		v.transform((s) => (s === '' ? null : Number(s))),
		v.check(
			(n) => n === null || (n >= 1 && n <= 100_000_000),
			'Enter a population between 1 and 100,000,000.'
		)
	)
});

export const CreateUserSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Enter the person’s work e-mail address.'),
		v.maxLength(254, 'Enter a shorter e-mail address.'),
		v.email('Enter an e-mail address in the right format, like name@agency.example.')
	),
	name: personName,
	isAdmin: checkbox
});

export const UpdateUserSchema = v.object({
	name: personName,
	isAdmin: checkbox
});

export const UserSearchSchema = v.object({
	q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(120)), '')
});

export const MembershipSchema = v.object({
	areaId: choice('Choose an area.'),
	agencyId: choice('Choose the agency they represent.'),
	role: v.picklist(ROLES, 'Choose their role.')
});

export const RemoveMembershipSchema = v.object({
	membershipAreaId: choice('Choose the membership to remove.'),
	confirmRemove: confirmation('Tick the box to confirm the person should leave this area.')
});

export const DisableUserSchema = v.object({
	confirmDisable: confirmation('Tick the box to confirm you want to disable this account.')
});

export const ResetSecondFactorSchema = v.object({
	confirmReset: confirmation(
		'Tick the box to confirm you have checked who asked for the second factor to be reset.'
	)
});

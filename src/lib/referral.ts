// Vocabulary of the referral form (SafeLives template, DESIGN §2–3), shared by pages and server.
// No $lib imports: src/lib/server code reaches this file by relative path.

export interface Option {
	value: string;
	label: string;
}

export const CASE_KIND_TEXT = {
	domestic_abuse: 'Domestic abuse',
	human_trafficking: 'Human trafficking / modern slavery'
} as const;
export type ReferralKind = keyof typeof CASE_KIND_TEXT;
export const REFERRAL_KINDS = Object.keys(CASE_KIND_TEXT) as ReferralKind[];

export const CASE_STATUS_TEXT = {
	referred: 'Referred',
	listed: 'Listed',
	open: 'Open',
	closed: 'Closed',
	transferred: 'Transferred'
} as const;

const options = <T extends Record<string, string>>(text: T): Option[] =>
	Object.entries(text).map(([value, label]) => ({ value, label }));

export const GENDER_TEXT = {
	female: 'Female',
	male: 'Male',
	non_binary: 'Non-binary',
	other: 'Other',
	not_known: 'Not known'
} as const;

export const ETHNICITY_TEXT = {
	white_british: 'White British',
	white_other: 'White other',
	mixed: 'Mixed or multiple ethnic groups',
	asian: 'Asian or Asian British',
	black: 'Black, Black British, Caribbean or African',
	arab: 'Arab',
	other: 'Other ethnic group'
} as const;

export const DISABILITY_TEXT = { yes: 'Yes', no: 'No' } as const;

export const SEXUALITY_TEXT = {
	heterosexual: 'Heterosexual',
	gay_lesbian: 'Gay or lesbian',
	bisexual: 'Bisexual',
	other: 'Other'
} as const;

export const INTERPRETER_GENDER_TEXT = {
	any: 'No preference',
	female: 'Female interpreter',
	male: 'Male interpreter'
} as const;

export const PERPETRATOR_RELATIONSHIP_TEXT = {
	partner: 'Partner',
	ex_partner: 'Ex-partner',
	parent: 'Parent',
	child: 'Son or daughter',
	sibling: 'Brother or sister',
	other_family: 'Other family member',
	exploiter: 'Exploiter (trafficking)',
	other: 'Other'
} as const;

export const CHILD_RELATIONSHIP_TEXT = {
	child: 'Victim’s child',
	stepchild: 'Stepchild',
	perpetrators_child: 'Perpetrator’s child',
	grandchild: 'Grandchild',
	other: 'Other child in the household'
} as const;

export const YES_NO_TEXT = { yes: 'Yes', no: 'No' } as const;

export const EXPLOITATION_TEXT = {
	sexual: 'Sexual exploitation',
	labour: 'Labour exploitation',
	domestic_servitude: 'Domestic servitude',
	criminal: 'Criminal exploitation (e.g. county lines, cannabis cultivation)',
	organ_harvesting: 'Organ harvesting',
	other: 'Other or not yet known'
} as const;
export type Exploitation = keyof typeof EXPLOITATION_TEXT;
export const EXPLOITATIONS = Object.keys(EXPLOITATION_TEXT) as Exploitation[];

export const NRM_REFERRAL_TEXT = {
	made: 'NRM referral made',
	planned: 'NRM referral planned',
	not_made: 'No NRM referral',
	declined: 'The person declined an NRM referral'
} as const;

export const NRM_CONSENT_TEXT = {
	given: 'Consent given',
	refused: 'Consent not given (adult)',
	child: 'Under 18: consent not needed'
} as const;

export const SELF_IDENTIFIES_TEXT = { yes: 'Yes', no: 'No', unsure: 'Unsure' } as const;

export const OPTIONS = {
	gender: options(GENDER_TEXT),
	ethnicity: options(ETHNICITY_TEXT),
	disability: options(DISABILITY_TEXT),
	sexuality: options(SEXUALITY_TEXT),
	interpreterGender: options(INTERPRETER_GENDER_TEXT),
	perpetratorRelationship: options(PERPETRATOR_RELATIONSHIP_TEXT),
	childRelationship: options(CHILD_RELATIONSHIP_TEXT),
	yesNo: options(YES_NO_TEXT),
	nrmReferral: options(NRM_REFERRAL_TEXT),
	nrmConsent: options(NRM_CONSENT_TEXT),
	selfIdentifies: options(SELF_IDENTIFIES_TEXT)
};

/** Dash RIC: 24 questions, one point per "yes"; 14 or more is visible high risk. */
export const DASH_MAX = 24;
export const DASH_HIGH_RISK = 14;

/** How many perpetrator or child rows one referral may carry. */
export const MAX_ROWS = 20;

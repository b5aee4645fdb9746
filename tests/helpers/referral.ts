/** Form fields of referrals, as the /cases/new form posts them. */

/** A complete, valid domestic-abuse referral as the form posts it. */
export function referralForm(
	areaId: string,
	over: Record<string, string> = {}
): Record<string, string> {
	return {
		kind: 'domestic_abuse',
		areaId,
		'referrer.name': 'PC Priya Police',
		'referrer.contact': '01632 960000',
		'victim.name': 'Jo Example',
		'victim.aliases': '',
		'victim.dob': '1990-01-02',
		'victim.gender': 'female',
		'victim.ethnicity': '',
		'victim.disability': '',
		'victim.sexuality': '',
		'victim.language': '',
		'victim.interpreterLanguage': '',
		'victim.dialect': '',
		'victim.interpreterGender': '',
		'contact.safePhone': '',
		'contact.safeTimes': '',
		'contact.address': '',
		'contact.safeWords': '',
		'perpetrators.0.name': 'Sam Example',
		'perpetrators.0.dob': '',
		'perpetrators.0.relationship': 'ex_partner',
		'criteria.dashScore': '15',
		'criteria.judgementReasons': '',
		'criteria.incidents': '',
		'consent.victimAware': 'yes',
		'consent.consentGiven': 'yes',
		'consent.groundsWithoutConsent': '',
		'safety.afraidOf': '',
		'safety.safeToTalkTo': '',
		...over
	};
}

import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/lib/access-history.ts';

const CASE = '00000000-0000-4000-8000-0000000000c1';
const POLICE = '00000000-0000-4000-8000-000000000001';
const PERSON = '00000000-0000-4000-8000-100000000001';
const names = { agencies: { [POLICE]: 'Demo Constabulary' }, people: { [PERSON]: 'Hana Health' } };

const line = (action: string, target: string, outcome = 'success', details = {}) =>
	describeEvent({ action, target, outcome: outcome as 'success' | 'denied', details }, names);

describe('access history lines', () => {
	it('names the document opened', () => {
		expect(line('document.open', `case:${CASE}:plan`)).toBe('Opened the case plan');
		expect(line('document.open', `case:${CASE}:notes:${POLICE}`)).toBe(
			'Opened Demo Constabulary’s private notes'
		);
		expect(line('document.open', `case:${CASE}:restricted`, 'denied')).toBe(
			'Tried to open the restricted details'
		);
	});

	it('says who was excluded or granted access, and how an action moved', () => {
		expect(line('case.exclusion.add', `case:${CASE}`, 'success', { agencyId: POLICE })).toBe(
			'Excluded Demo Constabulary from the case'
		);
		expect(line('case.grant.add', `case:${CASE}`, 'success', { userId: PERSON })).toBe(
			'Gave Hana Health access to the restricted details'
		);
		expect(
			line('action.status', `case:${CASE}:agency:${POLICE}`, 'success', {
				from: 'open',
				to: 'not_possible'
			})
		).toBe(
			'Set an action of Demo Constabulary’s research and actions from open to not possible – circumstances changed'
		);
	});

	it('shows an unknown event by its code rather than hiding it', () => {
		expect(line('case.something_new', `case:${CASE}`)).toBe('case.something_new');
	});
});

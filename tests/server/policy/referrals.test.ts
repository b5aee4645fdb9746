import { describe, expect, it } from 'vitest';
import { caseFacts } from '../../helpers/policy.ts';
import type { CaseFacts, Principal } from '../../../src/lib/server/policy/index.ts';
import {
	mayDecideRepeat,
	mayKnowCase,
	mayReadReferral,
	referralSeat,
	referralSeats
} from '../../../src/lib/server/policy/referrals.ts';
import type { Role, Sector } from '../../../src/lib/domain.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const POLICE = '00000000-0000-4000-8000-000000000001';
const COORD_AGENCY = '00000000-0000-4000-8000-000000000002';

let n = 0;
function person(role: Role, sector: Sector, opts: { admin?: boolean; areaId?: string } = {}) {
	n += 1;
	return {
		userId: `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
		isAdmin: opts.admin ?? false,
		memberships: [
			{
				areaId: opts.areaId ?? AREA,
				areaName: 'A',
				agencyId: sector === 'police' ? POLICE : COORD_AGENCY,
				agencyName: sector,
				sector,
				role
			}
		]
	} satisfies Principal;
}

const facts = (over: Partial<CaseFacts> = {}) =>
	caseFacts(
		{
			id: '00000000-0000-4000-8000-0000000000c1',
			areaId: AREA,
			areaAgencyIds: [POLICE, COORD_AGENCY]
		},
		{ status: 'referred', ...over }
	);

describe('who may refer', () => {
	const table: [string, Principal, boolean][] = [
		['coordinator', person('coordinator', 'other'), true],
		['chair', person('chair', 'police'), true],
		['agency representative', person('agency_rep', 'police'), true],
		['observer', person('observer', 'other'), false],
		[
			'administrator with a coordinator seat',
			person('coordinator', 'other', { admin: true }),
			false
		]
	];
	it.each(table)('%s → %s', (_, principal, expected) => {
		expect(referralSeats(principal).length > 0).toBe(expected);
		expect(referralSeat(principal, AREA) !== null).toBe(expected);
	});

	it('only into their own area', () => {
		expect(referralSeat(person('coordinator', 'other'), OTHER)).toBeNull();
	});
});

describe('who may read a referral and decide a repeat', () => {
	it('participants read; the coordinator alone decides', () => {
		const c = facts();
		const coordinator = person('coordinator', 'other');
		const chair = person('chair', 'police');
		const observer = person('observer', 'other');
		expect(mayReadReferral(coordinator, c)).not.toBeNull();
		expect(mayReadReferral(observer, c)).not.toBeNull();
		expect(mayDecideRepeat(coordinator, c)).toBe(true);
		expect(mayDecideRepeat(chair, c)).toBe(false);
		expect(mayDecideRepeat(observer, c)).toBe(false);
	});

	it('exclusions, other areas, administrators and transfers keep people out', () => {
		const police = person('agency_rep', 'police');
		const coordinator = person('coordinator', 'other');
		expect(mayReadReferral(police, facts({ excludedAgencyIds: [POLICE] }))).toBeNull();
		expect(mayReadReferral(police, facts({ excludedUserIds: [police.userId] }))).toBeNull();
		expect(mayReadReferral(person('coordinator', 'other', { areaId: OTHER }), facts())).toBeNull();
		expect(mayReadReferral(person('coordinator', 'other', { admin: true }), facts())).toBeNull();
		expect(mayReadReferral(coordinator, facts({ status: 'transferred' }))).toBeNull();
		expect(mayDecideRepeat(coordinator, facts({ excludedUserIds: [coordinator.userId] }))).toBe(
			false
		);
	});

	it('the earlier case of a repeat is named only to those who may see it', () => {
		const police = person('agency_rep', 'police');
		expect(mayKnowCase(police, facts())).toBe(true);
		expect(mayKnowCase(police, facts({ excludedAgencyIds: [POLICE] }))).toBe(false);
		expect(mayKnowCase(police, null)).toBe(false);
	});
});

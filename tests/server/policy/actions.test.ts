import { describe, expect, it } from 'vitest';
import {
	actionRights,
	myAgencySeats,
	trackerSeats
} from '../../../src/lib/server/policy/actions.ts';
import type { CaseFacts, Principal } from '../../../src/lib/server/policy/index.ts';
import type { Role, Sector } from '../../../src/lib/domain.ts';
import { caseFacts } from '../../helpers/policy.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER_AREA = '00000000-0000-4000-8000-00000000000b';
const CASE = '00000000-0000-4000-8000-0000000000c1';
const POLICE = '00000000-0000-4000-8000-000000000001';
const HEALTH = '00000000-0000-4000-8000-000000000002';
const COORD = '00000000-0000-4000-8000-000000000004';
const FOREIGN = '00000000-0000-4000-8000-000000000099';
const AGENCY_OF: Partial<Record<Sector, string>> = { police: POLICE, health: HEALTH, other: COORD };

let n = 0;
function person(role: Role, sector: Sector, areaId = AREA, isAdmin = false): Principal {
	n += 1;
	return {
		userId: `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
		isAdmin,
		memberships: [
			{
				areaId,
				areaName: 'A',
				agencyId: areaId === AREA ? AGENCY_OF[sector]! : FOREIGN,
				agencyName: sector,
				sector,
				role
			}
		]
	};
}

const facts = (over: Partial<CaseFacts> = {}) =>
	caseFacts({ id: CASE, areaId: AREA, areaAgencyIds: [POLICE, HEALTH, COORD] }, over);

const coordinator = person('coordinator', 'other');
const chair = person('chair', 'police');
const police = person('agency_rep', 'police');
const health = person('agency_rep', 'health');
const observer = person('observer', 'other');
const elsewhere = person('coordinator', 'other', OTHER_AREA);
const admin = person('coordinator', 'other', AREA, true);

describe('who may update an agency’s actions', () => {
	it('that agency’s representatives', () => {
		expect(actionRights(police, facts(), POLICE)).toEqual({ update: true, reopen: false });
	});

	it('not another agency’s representatives, nor observers', () => {
		expect(actionRights(health, facts(), POLICE).update).toBe(false);
		expect(actionRights(observer, facts(), POLICE).update).toBe(false);
	});

	it('the coordinator, who alone may reopen, and the chair', () => {
		expect(actionRights(coordinator, facts(), HEALTH)).toEqual({ update: true, reopen: true });
		expect(actionRights(chair, facts(), HEALTH)).toEqual({ update: true, reopen: false });
	});

	it('nobody from another area, nor an administrator', () => {
		expect(actionRights(elsewhere, facts(), POLICE).update).toBe(false);
		expect(actionRights(admin, facts(), POLICE).update).toBe(false);
	});

	it('no one whose agency is excluded from the case', () => {
		const excluded = facts({ excludedAgencyIds: [POLICE] });
		expect(actionRights(police, excluded, POLICE).update).toBe(false);
		// The chair sits for the police here, so is out too; the coordinator still tends them.
		expect(actionRights(chair, excluded, HEALTH).update).toBe(false);
		expect(actionRights(coordinator, excluded, POLICE).update).toBe(true);
	});

	it('no person excluded from the case', () => {
		const excluded = facts({ excludedUserIds: [police.userId, coordinator.userId] });
		expect(actionRights(police, excluded, POLICE).update).toBe(false);
		expect(actionRights(coordinator, excluded, POLICE).update).toBe(false);
	});

	it('nothing on a transferred case or for an agency outside the area', () => {
		expect(actionRights(coordinator, facts({ status: 'transferred' }), POLICE).update).toBe(false);
		expect(actionRights(coordinator, facts(), FOREIGN).update).toBe(false);
	});
});

describe('action pages', () => {
	it('My agency lists every seat but observers’; the tracker the coordinator’s and chair’s', () => {
		expect(myAgencySeats(police)).toHaveLength(1);
		expect(myAgencySeats(observer)).toEqual([]);
		expect(trackerSeats(coordinator)).toHaveLength(1);
		expect(trackerSeats(chair)).toHaveLength(1);
		expect(trackerSeats(police)).toEqual([]);
		expect(trackerSeats(observer)).toEqual([]);
		expect(trackerSeats(admin)).toEqual([]);
		expect(myAgencySeats(admin)).toEqual([]);
	});
});

import { describe, expect, it } from 'vitest';
import {
	caseAccessDecision,
	exclusionProblem,
	grantProblem,
	GRANT_MAX_DAYS,
	type AreaMember
} from '../../../src/lib/server/policy/case-access.ts';
import type { CaseFacts, Principal } from '../../../src/lib/server/policy/index.ts';
import type { Role, Sector } from '../../../src/lib/domain.ts';
import { caseFacts } from '../../helpers/policy.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER_AREA = '00000000-0000-4000-8000-00000000000b';
const CASE = '00000000-0000-4000-8000-0000000000c1';
const POLICE = '00000000-0000-4000-8000-000000000001';
const HEALTH = '00000000-0000-4000-8000-000000000002';
const IDVA = '00000000-0000-4000-8000-000000000003';
const COORD = '00000000-0000-4000-8000-000000000004';
const AGENCY: Partial<Record<Sector, string>> = {
	police: POLICE,
	health: HEALTH,
	idva: IDVA,
	other: COORD
};
const NOW = new Date('2026-11-28T10:00:00Z');
const DAY = 24 * 3_600_000;

let n = 0;
function person(role: Role, sector: Sector, areaId = AREA, isAdmin = false) {
	n += 1;
	const userId = `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`;
	const principal: Principal = {
		userId,
		isAdmin,
		memberships: [
			{ areaId, areaName: 'A', agencyId: AGENCY[sector]!, agencyName: sector, sector, role }
		]
	};
	const member: AreaMember = { userId, areaId, agencyId: AGENCY[sector]!, sector, role };
	return { principal, member, userId };
}

const facts = (over: Partial<CaseFacts> = {}) =>
	caseFacts({ id: CASE, areaId: AREA, areaAgencyIds: [POLICE, HEALTH, IDVA, COORD] }, over);

const coordinator = person('coordinator', 'other');
const chair = person('chair', 'police');
const police = person('agency_rep', 'police');
const health = person('agency_rep', 'health');
const idva = person('agency_rep', 'idva');
const observer = person('observer', 'other');
const elsewhere = person('coordinator', 'other', OTHER_AREA);

describe('who manages a case’s access', () => {
	it('the coordinator', () => {
		expect(caseAccessDecision(coordinator.principal, facts())).toBe('allowed');
	});

	it('other participants are refused (403)', () => {
		for (const p of [chair, police, health, observer]) {
			expect(caseAccessDecision(p.principal, facts())).toBe('forbidden');
		}
	});

	it('anyone who may not see the case is told nothing (404)', () => {
		expect(caseAccessDecision(elsewhere.principal, facts())).toBe('not_found');
		expect(caseAccessDecision(police.principal, facts({ excludedAgencyIds: [POLICE] }))).toBe(
			'not_found'
		);
		expect(caseAccessDecision(health.principal, facts({ excludedUserIds: [health.userId] }))).toBe(
			'not_found'
		);
		expect(caseAccessDecision(coordinator.principal, null)).toBe('not_found');
		expect(caseAccessDecision(coordinator.principal, facts({ status: 'transferred' }))).toBe(
			'not_found'
		);
		const admin = person('coordinator', 'other', AREA, true);
		expect(caseAccessDecision(admin.principal, facts())).toBe('not_found');
	});
});

describe('exclusions', () => {
	const c = facts();
	const by = coordinator.principal;

	it('may exclude another agency or another person of the area', () => {
		expect(exclusionProblem(by, c, { kind: 'agency', agencyId: POLICE }, null)).toBeNull();
		expect(
			exclusionProblem(by, c, { kind: 'user', userId: health.userId }, health.member)
		).toBeNull();
	});

	it('not the coordinator themselves, nor their own agency', () => {
		expect(
			exclusionProblem(by, c, { kind: 'user', userId: coordinator.userId }, coordinator.member)
		).toMatchObject({ field: 'userId' });
		expect(exclusionProblem(by, c, { kind: 'agency', agencyId: COORD }, null)).toMatchObject({
			field: 'agencyId'
		});
	});

	it('not an agency or person from elsewhere, nor twice', () => {
		const foreign = '00000000-0000-4000-8000-000000000099';
		expect(exclusionProblem(by, c, { kind: 'agency', agencyId: foreign }, null)).not.toBeNull();
		expect(
			exclusionProblem(by, c, { kind: 'user', userId: elsewhere.userId }, elsewhere.member)
		).not.toBeNull();
		expect(exclusionProblem(by, c, { kind: 'user', userId: police.userId }, null)).not.toBeNull();
		expect(
			exclusionProblem(
				by,
				facts({ excludedAgencyIds: [POLICE] }),
				{ kind: 'agency', agencyId: POLICE },
				null
			)
		).toMatchObject({ message: expect.stringMatching(/already/) });
		expect(
			exclusionProblem(
				by,
				facts({ excludedUserIds: [health.userId] }),
				{ kind: 'user', userId: health.userId },
				health.member
			)
		).toMatchObject({ message: expect.stringMatching(/already/) });
	});
});

describe('restricted-access grants', () => {
	const c = facts();
	const inAWeek = new Date(NOW.getTime() + 7 * DAY);

	it('may grant a person of the area, until a time in the next 90 days', () => {
		expect(grantProblem(c, health.member, inAWeek, NOW)).toBeNull();
		expect(
			grantProblem(c, police.member, new Date(NOW.getTime() + GRANT_MAX_DAYS * DAY), NOW)
		).toBeNull();
	});

	it('refuses an expiry in the past or beyond 90 days', () => {
		expect(grantProblem(c, health.member, NOW, NOW)).toMatchObject({ field: 'expiresAt' });
		expect(grantProblem(c, health.member, new Date(NOW.getTime() - DAY), NOW)).toMatchObject({
			field: 'expiresAt'
		});
		expect(
			grantProblem(c, health.member, new Date(NOW.getTime() + (GRANT_MAX_DAYS + 1) * DAY), NOW)
		).toMatchObject({ field: 'expiresAt' });
	});

	it('refuses someone from elsewhere, someone excluded, and someone who already has access', () => {
		expect(grantProblem(c, null, inAWeek, NOW)).toMatchObject({ field: 'userId' });
		expect(grantProblem(c, elsewhere.member, inAWeek, NOW)).toMatchObject({ field: 'userId' });
		expect(
			grantProblem(facts({ excludedAgencyIds: [HEALTH] }), health.member, inAWeek, NOW)
		).toMatchObject({ field: 'userId' });
		expect(
			grantProblem(facts({ excludedUserIds: [health.userId] }), health.member, inAWeek, NOW)
		).toMatchObject({ field: 'userId' });
		expect(grantProblem(c, idva.member, inAWeek, NOW)).toMatchObject({ field: 'userId' });
		expect(grantProblem(c, coordinator.member, inAWeek, NOW)).toMatchObject({ field: 'userId' });
	});
});

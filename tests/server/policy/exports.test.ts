import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/lib/server/policy/index.ts';
import { caseDocumentAccess } from '../../../src/lib/server/policy/index.ts';
import {
	NOBODY,
	agencyPrincipal,
	exportsRegisterScope,
	mayExportMeeting
} from '../../../src/lib/server/policy/exports.ts';
import type { Role } from '../../../src/lib/domain.ts';
import { caseFacts } from '../../helpers/policy.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const POLICE = '00000000-0000-4000-8000-000000000001';
const HEALTH = '00000000-0000-4000-8000-000000000002';
const CASE = '00000000-0000-4000-8000-0000000000c1';

let n = 0;
function person(role: Role | null, areaId = AREA, isAdmin = false): Principal {
	n += 1;
	return {
		userId: `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
		isAdmin,
		memberships: role
			? [{ areaId, areaName: 'A', agencyId: POLICE, agencyName: 'P', sector: 'police', role }]
			: []
	};
}

describe('mayExportMeeting', () => {
	it.each([
		['coordinator', person('coordinator'), true],
		['chair', person('chair'), true],
		['agency rep', person('agency_rep'), false],
		['observer', person('observer'), false],
		['other area coordinator', person('coordinator', OTHER), false],
		['administrator with a coordinator seat', person('coordinator', AREA, true), false],
		['nobody', person(null), false]
	])('%s → %s', (_name, principal, expected) => {
		expect(mayExportMeeting(principal, { areaId: AREA })).toBe(expected);
	});
});

describe('agencyPrincipal', () => {
	const recipient = agencyPrincipal(
		{ id: AREA, name: 'A' },
		{ id: HEALTH, name: 'Hospital', sector: 'health' }
	);
	const facts = caseFacts({ id: CASE, areaId: AREA, areaAgencyIds: [POLICE, HEALTH] });
	const agencyDoc = (agencyId: string) => ({ kind: 'agency' as const, caseId: CASE, agencyId });
	const now = new Date();

	it('is a representative of that agency in that area, and no person', () => {
		expect(recipient.userId).toBe(NOBODY);
		expect(recipient.isAdmin).toBe(false);
		expect(recipient.memberships).toEqual([
			expect.objectContaining({ areaId: AREA, agencyId: HEALTH, role: 'agency_rep' })
		]);
	});

	it('reads what any representative of the agency reads', () => {
		expect(caseDocumentAccess(recipient, agencyDoc(POLICE), facts, now)).toBe('read');
		expect(caseDocumentAccess(recipient, agencyDoc(HEALTH), facts, now)).toBe('write');
		expect(
			caseDocumentAccess(recipient, { kind: 'notes', caseId: CASE, agencyId: POLICE }, facts, now)
		).toBe('none');
	});

	it('gets nothing of a case its agency is kept out of', () => {
		const excluded = { ...facts, excludedAgencyIds: [HEALTH] };
		expect(caseDocumentAccess(recipient, agencyDoc(POLICE), excluded, now)).toBe('none');
		expect(caseDocumentAccess(recipient, { kind: 'plan', caseId: CASE }, excluded, now)).toBe(
			'none'
		);
	});
});

describe('exportsRegisterScope', () => {
	it('gives coordinators their areas and everyone seated their own exports', () => {
		const coordinator = person('coordinator');
		expect(exportsRegisterScope(coordinator)).toEqual({
			userId: coordinator.userId,
			areaIds: [AREA]
		});
		for (const role of ['chair', 'agency_rep', 'observer'] as const) {
			const p = person(role);
			expect(exportsRegisterScope(p), role).toEqual({ userId: p.userId, areaIds: [] });
		}
	});

	it('refuses administrators and people without a seat', () => {
		expect(exportsRegisterScope(person('coordinator', AREA, true))).toBeNull();
		expect(exportsRegisterScope(person(null))).toBeNull();
	});
});

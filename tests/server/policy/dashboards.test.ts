import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/lib/server/policy/index.ts';
import {
	figureAreas,
	mayExportDataReturn,
	mayViewAreaFigures,
	mayViewDataReturn
} from '../../../src/lib/server/policy/dashboards.ts';
import type { Role } from '../../../src/lib/domain.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';

function person(role: Role | null, isAdmin = false, areaId = AREA): Principal {
	return {
		userId: '00000000-0000-4000-8000-100000000001',
		isAdmin,
		memberships: role
			? [
					{
						areaId,
						areaName: 'A',
						agencyId: '00000000-0000-4000-8000-000000000001',
						agencyName: 'Agency',
						sector: 'police',
						role
					}
				]
			: []
	};
}

const checks = [mayViewAreaFigures, mayViewDataReturn, mayExportDataReturn];

describe('area figures and the data return', () => {
	it('are for the coordinator and the chair of the area', () => {
		for (const check of checks) {
			expect(check(person('coordinator'), AREA), check.name).toBe(true);
			expect(check(person('chair'), AREA), check.name).toBe(true);
		}
		expect(figureAreas(person('chair'))).toEqual([AREA]);
	});

	it('are refused to agency representatives, observers, administrators and other areas', () => {
		for (const check of checks) {
			expect(check(person('agency_rep'), AREA), check.name).toBe(false);
			expect(check(person('observer'), AREA), check.name).toBe(false);
			expect(check(person(null, true), AREA), check.name).toBe(false);
			// An administrator who also holds a coordinator seat still sees no case figures.
			expect(check(person('coordinator', true), AREA), check.name).toBe(false);
			expect(check(person('coordinator', false, OTHER), AREA), check.name).toBe(false);
			expect(check(person(null), AREA), check.name).toBe(false);
		}
		expect(figureAreas(person('observer'))).toEqual([]);
	});
});

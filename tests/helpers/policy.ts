import type { CaseFacts } from '../../src/lib/server/policy/index.ts';

/**
 * Case facts for the pure policy tests: an open domestic-abuse case with no exclusions, grants,
 * freeze or transfer history unless a test says otherwise. One builder, so a new fact is added
 * once rather than in every policy test.
 */
export function caseFacts(
	base: Pick<CaseFacts, 'id' | 'areaId' | 'areaAgencyIds'>,
	over: Partial<CaseFacts> = {}
): CaseFacts {
	return {
		kind: 'domestic_abuse',
		status: 'open',
		excludedAgencyIds: [],
		excludedUserIds: [],
		grantExpiries: [],
		frozen: false,
		formerAgencyIds: [],
		...base,
		...over
	};
}

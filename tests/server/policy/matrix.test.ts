import { describe, expect, it } from 'vitest';
import {
	caseDocumentAccess,
	meetingDocumentAccess,
	type Access,
	type CaseFacts,
	type Principal
} from '../../../src/lib/server/policy/index.ts';
import type { MembershipView } from '../../../src/lib/server/tenancy/index.ts';
import { parseDocumentName, type DocumentRef } from '../../../src/lib/documents/names.ts';
import type { Role, Sector } from '../../../src/lib/domain.ts';
import { caseFacts } from '../../helpers/policy.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER_AREA = '00000000-0000-4000-8000-00000000000b';
const CASE = '00000000-0000-4000-8000-0000000000c1';
const AG: Record<Sector | 'foreign', string> = {
	police: '00000000-0000-4000-8000-000000000001',
	health: '00000000-0000-4000-8000-000000000002',
	idva: '00000000-0000-4000-8000-000000000003',
	other: '00000000-0000-4000-8000-000000000004',
	third_sector: '00000000-0000-4000-8000-000000000005',
	mental_health: '00000000-0000-4000-8000-000000000006',
	children_services: '00000000-0000-4000-8000-000000000007',
	adult_services: '00000000-0000-4000-8000-000000000008',
	housing: '00000000-0000-4000-8000-000000000009',
	probation: '00000000-0000-4000-8000-000000000010',
	education: '00000000-0000-4000-8000-000000000011',
	substance_misuse: '00000000-0000-4000-8000-000000000012',
	foreign: '00000000-0000-4000-8000-000000000099'
};
const NOW = new Date('2026-11-28T10:00:00Z');

function seat(role: Role, sector: Sector, areaId = AREA): MembershipView {
	return {
		areaId,
		areaName: 'A',
		agencyId: sector === 'other' && areaId !== AREA ? AG.foreign : AG[sector],
		agencyName: sector,
		sector,
		role
	};
}

let n = 0;
function person(role: Role, sector: Sector, opts: { admin?: boolean; areaId?: string } = {}) {
	n += 1;
	return {
		userId: `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
		isAdmin: opts.admin ?? false,
		memberships: [seat(role, sector, opts.areaId)]
	} satisfies Principal;
}

const P = {
	coordinator: person('coordinator', 'other'),
	chair: person('chair', 'police'),
	observer: person('observer', 'other'),
	police: person('agency_rep', 'police'),
	health: person('agency_rep', 'health'),
	idva: person('agency_rep', 'idva'),
	thirdSector: person('agency_rep', 'third_sector'),
	adminWithSeat: person('coordinator', 'other', { admin: true }),
	otherAreaCoordinator: person('coordinator', 'other', { areaId: OTHER_AREA })
};
type Who = keyof typeof P;

function facts(over: Partial<CaseFacts> = {}): CaseFacts {
	const areaAgencyIds = Object.entries(AG)
		.filter(([k]) => k !== 'foreign')
		.map(([, v]) => v);
	return caseFacts(
		{ id: CASE, areaId: AREA, areaAgencyIds },
		{ kind: 'human_trafficking', ...over }
	);
}

type CaseDoc = Exclude<DocumentRef, { kind: 'meeting' }>;
const DOCS: Record<string, CaseDoc> = {
	plan: { kind: 'plan', caseId: CASE },
	'agency:police': { kind: 'agency', caseId: CASE, agencyId: AG.police },
	'agency:health': { kind: 'agency', caseId: CASE, agencyId: AG.health },
	'agency:foreign': { kind: 'agency', caseId: CASE, agencyId: AG.foreign },
	'notes:police': { kind: 'notes', caseId: CASE, agencyId: AG.police },
	'notes:idva': { kind: 'notes', caseId: CASE, agencyId: AG.idva },
	restricted: { kind: 'restricted', caseId: CASE },
	pathway: { kind: 'pathway', caseId: CASE }
};
type DocKey = keyof typeof DOCS;

// The matrix of DESIGN §5 written out by hand (trafficking case, no exclusions, no grants).
// Columns: plan, agency:police, agency:health, agency:foreign, notes:police, notes:idva, restricted, pathway
const N = 'none',
	R = 'read',
	W = 'write';
const EXPECTED: Record<Who, Access[]> = {
	coordinator: [W, W, W, N, N, N, W, W],
	chair: [W, W, W, N, N, N, N, W],
	observer: [R, R, R, N, N, N, N, R],
	police: [R, W, R, N, W, N, N, W],
	health: [R, R, W, N, N, N, N, W],
	idva: [R, R, R, N, N, W, W, W],
	thirdSector: [R, R, R, N, N, N, N, W],
	adminWithSeat: [N, N, N, N, N, N, N, N],
	otherAreaCoordinator: [N, N, N, N, N, N, N, N]
};
const DOC_KEYS = Object.keys(DOCS) as DocKey[];

const rows = (Object.keys(EXPECTED) as Who[]).flatMap((who) =>
	DOC_KEYS.map((doc, i) => ({ who, doc, expected: EXPECTED[who][i]! }))
);

describe('access matrix (DESIGN §5)', () => {
	it.each(rows)('$who on $doc → $expected', ({ who, doc, expected }) => {
		expect(caseDocumentAccess(P[who], DOCS[doc]!, facts(), NOW)).toBe(expected);
	});

	it.each(Object.keys(EXPECTED) as Who[])(
		'%s cannot open the pathway of a domestic-abuse case',
		(who) => {
			expect(
				caseDocumentAccess(P[who], DOCS.pathway!, facts({ kind: 'domestic_abuse' }), NOW)
			).toBe('none');
		}
	);

	it.each(rows)('an excluded agency gets nothing: $who on $doc', ({ who, doc, expected }) => {
		const excluded = facts({ excludedAgencyIds: [AG.police] });
		const inPolice = P[who].memberships[0]!.agencyId === AG.police;
		expect(caseDocumentAccess(P[who], DOCS[doc]!, excluded, NOW)).toBe(
			inPolice ? 'none' : expected
		);
	});

	it.each(rows)('an excluded person gets nothing: $who on $doc', ({ who, doc, expected }) => {
		const excluded = facts({ excludedUserIds: [P.health.userId] });
		expect(caseDocumentAccess(P[who], DOCS[doc]!, excluded, NOW)).toBe(
			who === 'health' ? 'none' : expected
		);
	});

	it.each(Object.keys(EXPECTED) as Who[])('a transferred case is closed to %s', (who) => {
		for (const doc of DOC_KEYS) {
			expect(caseDocumentAccess(P[who], DOCS[doc]!, facts({ status: 'transferred' }), NOW)).toBe(
				'none'
			);
		}
	});

	it('a live restricted grant opens the restricted document; an expired one does not', () => {
		const live = facts({ grantExpiries: [new Date(NOW.getTime() + 60_000)] });
		const expired = facts({ grantExpiries: [new Date(NOW.getTime() - 1)] });
		expect(caseDocumentAccess(P.health, DOCS.restricted!, live, NOW)).toBe('write');
		expect(caseDocumentAccess(P.observer, DOCS.restricted!, live, NOW)).toBe('read');
		expect(caseDocumentAccess(P.health, DOCS.restricted!, expired, NOW)).toBe('none');
		expect(caseDocumentAccess(P.chair, DOCS.restricted!, expired, NOW)).toBe('none');
		// A grant does not survive an exclusion.
		const both = facts({
			grantExpiries: [new Date(NOW.getTime() + 60_000)],
			excludedUserIds: [P.health.userId]
		});
		expect(caseDocumentAccess(P.health, DOCS.restricted!, both, NOW)).toBe('none');
	});

	it.each(rows)(
		'after its meeting ended the plan and summaries are read-only: $who on $doc',
		({ who, doc, expected }) => {
			const frozen = facts({ frozen: true });
			const shared = doc === 'plan' || doc.startsWith('agency:');
			const want = shared && expected === 'write' ? 'read' : expected;
			expect(caseDocumentAccess(P[who], DOCS[doc]!, frozen, NOW)).toBe(want);
		}
	);

	it.each(Object.keys(EXPECTED) as Who[])(
		'after a transfer in, %s may read (never write) the sending area’s agency documents, not its notes',
		(who) => {
			const moved = facts({ formerAgencyIds: [AG.foreign] });
			const participant = EXPECTED[who][0] !== N;
			expect(caseDocumentAccess(P[who], DOCS['agency:foreign']!, moved, NOW)).toBe(
				participant ? 'read' : 'none'
			);
			const notes = { kind: 'notes', caseId: CASE, agencyId: AG.foreign } as const;
			expect(caseDocumentAccess(P[who], notes, moved, NOW)).toBe('none');
		}
	);

	it('a document naming another case is refused', () => {
		const other = { kind: 'plan', caseId: '00000000-0000-4000-8000-0000000000c2' } as const;
		expect(caseDocumentAccess(P.coordinator, other, facts(), NOW)).toBe('none');
	});
});

describe('meeting documents', () => {
	const meeting = (
		confirmed: boolean,
		areaId = AREA,
		status: 'planned' | 'live' | 'closed' = 'live'
	) => ({
		id: '00000000-0000-4000-8000-0000000000e1',
		areaId,
		status,
		confidentialityConfirmedAt: confirmed ? NOW : null
	});
	it.each([
		['coordinator', true, 'write'],
		['chair', true, 'write'],
		['police', true, 'read'],
		['observer', true, 'read'],
		['coordinator', false, 'none'],
		['police', false, 'none'],
		['adminWithSeat', true, 'none'],
		['otherAreaCoordinator', true, 'none']
	] as const)('%s (confirmed: %s) → %s', (who, confirmed, expected) => {
		expect(meetingDocumentAccess(P[who], meeting(confirmed))).toBe(expected);
	});

	it.each(['coordinator', 'chair', 'police', 'observer'] as const)(
		'a closed meeting is its record: %s may only read it',
		(who) => {
			expect(meetingDocumentAccess(P[who], meeting(true, AREA, 'closed'))).toBe('read');
			expect(meetingDocumentAccess(P[who], meeting(false, AREA, 'closed'))).toBe('none');
		}
	);
});

describe('document names', () => {
	it.each([
		`case:${CASE}:plan`,
		`case:${CASE}:agency:${AG.police}`,
		`case:${CASE}:notes:${AG.idva}`,
		`case:${CASE}:restricted`,
		`case:${CASE}:pathway`,
		`meeting:${CASE}`
	])('parses %s', (name) => {
		expect(parseDocumentName(name)).not.toBeNull();
	});

	it.each([
		'',
		'case',
		`case:${CASE}`,
		`case:${CASE}:plan:extra`,
		`case:${CASE.toUpperCase()}:plan`,
		`case:${CASE}:agency:`,
		`case:${CASE}:agency:not-a-uuid`,
		`case:${CASE}:secrets`,
		`case:../${CASE}:plan`,
		`meeting:${CASE}:x`,
		`case:${CASE}:plan\n`,
		'x'.repeat(10_000)
	])('rejects %j', (name) => {
		expect(parseDocumentName(name)).toBeNull();
	});
});

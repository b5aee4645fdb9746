import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/lib/server/policy/index.ts';
import {
	agendaCaseVisible,
	mayChair,
	mayConfirmConfidentiality,
	mayEditAgenda,
	mayEndMeeting,
	mayExportMinutes,
	mayIssueMinutes,
	mayPrepareMinutes,
	mayReceiveMinutes,
	mayFollowMeeting,
	mayMarkResearch,
	mayRecordAttendance,
	mayRunMeeting,
	mayScheduleMeeting,
	mayStartMeeting,
	mayViewMeeting,
	mayViewResearchGrid
} from '../../../src/lib/server/policy/meetings.ts';
import type { MeetingStatus } from '../../../src/lib/server/db/schema/index.ts';
import type { Role, Sector } from '../../../src/lib/domain.ts';

const AREA = '00000000-0000-4000-8000-00000000000a';
const OTHER = '00000000-0000-4000-8000-00000000000b';
const POLICE = '00000000-0000-4000-8000-000000000001';
const HEALTH = '00000000-0000-4000-8000-000000000002';

let n = 0;
function person(role: Role, sector: Sector = 'police', areaId = AREA, isAdmin = false): Principal {
	n += 1;
	return {
		userId: `00000000-0000-4000-8000-1000000000${String(n).padStart(2, '0')}`,
		isAdmin,
		memberships: [
			{
				areaId,
				areaName: 'A',
				agencyId: sector === 'health' ? HEALTH : POLICE,
				agencyName: sector,
				sector,
				role
			}
		]
	};
}

const P = {
	coordinator: person('coordinator', 'other' as Sector),
	chair: person('chair'),
	observer: person('observer'),
	police: person('agency_rep', 'police'),
	health: person('agency_rep', 'health'),
	otherCoordinator: person('coordinator', 'police', OTHER),
	// An administrator who also holds a coordinator seat still has no case access.
	admin: person('coordinator', 'police', AREA, true)
};
type Who = keyof typeof P;
const meeting = (status: MeetingStatus) => ({ areaId: AREA, status });
const open = { excludedAgencyIds: [], excludedUserIds: [] };

/** Who may, per status: a hand-written table the rules must match exactly. */
const TABLE: {
	rule: string;
	check: (p: Principal, s: MeetingStatus) => boolean;
	allowed: Record<MeetingStatus, Who[]>;
}[] = [
	{
		rule: 'view',
		check: (p, s) => mayViewMeeting(p, meeting(s)),
		allowed: {
			planned: ['coordinator', 'chair', 'observer', 'police', 'health'],
			live: ['coordinator', 'chair', 'observer', 'police', 'health'],
			closed: ['coordinator', 'chair', 'observer', 'police', 'health']
		}
	},
	{
		rule: 'edit agenda',
		check: (p, s) => mayEditAgenda(p, meeting(s)),
		allowed: { planned: ['coordinator'], live: ['coordinator'], closed: [] }
	},
	{
		rule: 'research grid',
		check: (p, s) => mayViewResearchGrid(p, meeting(s)),
		allowed: {
			planned: ['coordinator', 'chair'],
			live: ['coordinator', 'chair'],
			closed: ['coordinator', 'chair']
		}
	},
	{
		rule: 'mark research',
		check: (p, s) => mayMarkResearch(p, meeting(s), open),
		allowed: { planned: ['police', 'health'], live: ['police', 'health'], closed: [] }
	},
	{
		rule: 'start',
		check: (p, s) => mayStartMeeting(p, meeting(s)),
		allowed: { planned: ['coordinator', 'chair'], live: [], closed: [] }
	},
	{
		rule: 'run',
		check: (p, s) => mayRunMeeting(p, meeting(s)),
		allowed: { planned: [], live: ['coordinator', 'chair'], closed: [] }
	},
	{
		rule: 'end',
		check: (p, s) => mayEndMeeting(p, meeting(s)),
		allowed: { planned: [], live: ['coordinator', 'chair'], closed: [] }
	},
	{
		rule: 'record attendance',
		check: (p, s) => mayRecordAttendance(p, meeting(s)),
		allowed: { planned: ['coordinator'], live: ['coordinator'], closed: [] }
	},
	{
		rule: 'confirm confidentiality',
		check: (p, s) => mayConfirmConfidentiality(p, meeting(s)),
		allowed: {
			planned: [],
			live: ['coordinator', 'chair', 'observer', 'police', 'health'],
			closed: []
		}
	},
	{
		rule: 'prepare minutes',
		check: (p, s) => mayPrepareMinutes(p, meeting(s)),
		allowed: { planned: [], live: ['coordinator', 'chair'], closed: ['coordinator', 'chair'] }
	},
	{
		rule: 'issue minutes',
		check: (p, s) => mayIssueMinutes(p, meeting(s)),
		allowed: { planned: [], live: [], closed: ['coordinator', 'chair'] }
	},
	{
		rule: 'export issued minutes',
		check: (p, s) => mayExportMinutes(p, meeting(s), 1),
		allowed: { planned: [], live: [], closed: ['coordinator', 'chair'] }
	},
	{
		rule: 'receive minutes',
		check: (p, s) => mayReceiveMinutes(p, meeting(s)),
		allowed: {
			planned: ['coordinator', 'chair', 'observer', 'police', 'health'],
			live: ['coordinator', 'chair', 'observer', 'police', 'health'],
			closed: ['coordinator', 'chair', 'observer', 'police', 'health']
		}
	}
];

describe('meeting rules', () => {
	for (const row of TABLE) {
		for (const status of ['planned', 'live', 'closed'] as const) {
			for (const who of Object.keys(P) as Who[]) {
				const expected = row.allowed[status].includes(who);
				it(`${row.rule}, ${status}: ${who} ${expected ? 'may' : 'may not'}`, () => {
					expect(row.check(P[who], status)).toBe(expected);
				});
			}
		}
	}

	it('only an area coordinator schedules, and only for their own area', () => {
		expect(mayScheduleMeeting(P.coordinator, AREA)).toBe(true);
		expect(mayScheduleMeeting(P.otherCoordinator, AREA)).toBe(false);
		expect(mayScheduleMeeting(P.otherCoordinator, OTHER)).toBe(true);
		expect(mayScheduleMeeting(P.chair, AREA)).toBe(false);
		expect(mayScheduleMeeting(P.admin, AREA)).toBe(false);
	});

	it('an excluded agency or person neither sees a case on the agenda nor marks it', () => {
		const policeOut = { excludedAgencyIds: [POLICE], excludedUserIds: [] };
		expect(agendaCaseVisible(P.police, meeting('planned'), policeOut)).toBe(false);
		expect(mayMarkResearch(P.police, meeting('planned'), policeOut)).toBe(false);
		expect(agendaCaseVisible(P.health, meeting('planned'), policeOut)).toBe(true);
		const healthPerson = { excludedAgencyIds: [], excludedUserIds: [P.health.userId] };
		expect(mayMarkResearch(P.health, meeting('planned'), healthPerson)).toBe(false);
		expect(agendaCaseVisible(P.admin, meeting('planned'), open)).toBe(false);
	});

	it('a live meeting is followed only after confirming confidentiality', () => {
		expect(mayFollowMeeting(P.police, meeting('live'), null)).toBe(false);
		expect(mayFollowMeeting(P.police, meeting('live'), new Date())).toBe(true);
		expect(mayFollowMeeting(P.otherCoordinator, meeting('live'), new Date())).toBe(false);
		expect(mayFollowMeeting(P.admin, meeting('live'), new Date())).toBe(false);
	});

	it('nothing is exported before a version is issued: drafts never leave the portal', () => {
		expect(mayExportMinutes(P.coordinator, meeting('closed'), 0)).toBe(false);
		expect(mayExportMinutes(P.coordinator, meeting('closed'), 2)).toBe(true);
	});

	it('the chair is chosen from chair and coordinator members', () => {
		expect(mayChair({ role: 'chair' })).toBe(true);
		expect(mayChair({ role: 'coordinator' })).toBe(true);
		expect(mayChair({ role: 'agency_rep' })).toBe(false);
		expect(mayChair({ role: 'observer' })).toBe(false);
	});
});

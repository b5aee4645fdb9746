// Meetings: scheduling, agendas, research marks and the live meeting (DESIGN §2 steps 2-3).
// Queries and commands take a MeetingContext built from the server session; access rules live
// in policy/meetings.ts.
export { RefusedError, MEETING_NOT_FOUND, type MeetingContext } from './context.ts';
export {
	listMeetings,
	meetingAgenda,
	eligibleCases,
	chairOptions,
	areaMembers,
	type MeetingSummary,
	type AgendaRow,
	type PersonOption,
	type SchedulableArea
} from './queries.ts';
export {
	scheduleMeeting,
	addToAgenda,
	removeFromAgenda,
	moveOnAgenda,
	reorderAgenda,
	resetAgendaOrder,
	markResearch,
	type ScheduleInput
} from './agenda.ts';
export { confirmConfidentiality, recordApologies, attendanceOf } from './attendance.ts';
export {
	startMeeting,
	liveMeeting,
	meetingState,
	moveToCase,
	quickAddAction,
	endMeeting,
	type QuickAction
} from './live.ts';
export { LAPSING_TEXT } from './rules.ts';

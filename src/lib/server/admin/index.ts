/**
 * Administration: areas, agencies, people, memberships and account recovery.
 * Framework-free. It reads and writes tenancy and account tables only; case, meeting and agenda
 * tables are out of its reach (administrators never see case content, DESIGN §5 and §7), and a
 * test checks that none of its files imports them. Every change is written to the audit log.
 */
export type { AdminContext } from './context.ts';
export {
	adminOverview,
	createAgency,
	createArea,
	getArea,
	listAreaOptions,
	listAreas,
	setAdultFemalePopulation,
	type AdminOverview,
	type AgencySummary,
	type AreaDetail,
	type AreaMember,
	type AreaOption,
	type AreaSummary
} from './areas.ts';
export {
	clearSignInLock,
	createUser,
	disableUser,
	enableUser,
	getUser,
	listUsers,
	reissueInvite,
	resetUserSecondFactor,
	updateUser,
	type Invitation,
	type MembershipSummary,
	type ThrottleState,
	type UserDetail,
	type UserStatus,
	type UserSummary
} from './users.ts';
export { removeMembership, setMembership, type MembershipInput } from './memberships.ts';

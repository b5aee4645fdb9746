// Plain-language lines for a case's access history (the audit log's codes, made readable).
import { parseDocumentName } from './documents/names.ts';
import { ACTION_STATUS_TEXT, ACTION_STATUSES, type ActionStatus } from './action-status.ts';

export interface HistoryNames {
	agencies: Record<string, string>;
	people: Record<string, string>;
}

export interface AuditLine {
	action: string;
	target: string | null;
	outcome: 'success' | 'denied' | 'failure';
	details: Record<string, unknown> | null;
}

function documentLabel(target: string | null, names: HistoryNames): string {
	const ref = target ? parseDocumentName(target) : null;
	if (!ref) return 'the case';
	const agency = (id: string) => names.agencies[id] ?? 'an agency';
	switch (ref.kind) {
		case 'plan':
			return 'the case plan';
		case 'agency':
			return `${agency(ref.agencyId)}’s research and actions`;
		case 'notes':
			return `${agency(ref.agencyId)}’s private notes`;
		case 'restricted':
			return 'the restricted details';
		case 'pathway':
			return 'the trafficking pathway';
		default:
			return 'the case';
	}
}

const status = (value: unknown) =>
	ACTION_STATUSES.includes(value as ActionStatus)
		? ACTION_STATUS_TEXT[value as ActionStatus].toLowerCase()
		: 'another status';

/** What happened, in words; unknown codes are shown as they are rather than hidden. */
export function describeEvent(e: AuditLine, names: HistoryNames): string {
	const d = e.details ?? {};
	const doc = documentLabel(e.target, names);
	const subject = () =>
		typeof d.userId === 'string'
			? (names.people[d.userId] ?? 'a person')
			: typeof d.agencyId === 'string'
				? (names.agencies[d.agencyId] ?? 'an agency')
				: 'someone';
	const tried = e.outcome === 'success' ? '' : 'Tried to ';
	const verb = (done: string, attempt: string) => (tried ? `${tried}${attempt}` : done);
	switch (e.action) {
		case 'case.view':
			return verb('Viewed the case', 'view the case');
		case 'case.documents':
			return verb('Listed the case’s documents', 'list the case’s documents');
		case 'case.access.view':
			return verb('Viewed who may see the case', 'view who may see the case');
		case 'document.open':
			return verb(`Opened ${doc}`, `open ${doc}`);
		case 'document.server_edit':
			return `Changed ${doc} through a form`;
		case 'document.revoked':
			return `Was disconnected from ${doc}: access changed`;
		case 'action.status':
			return verb(
				`Set an action of ${doc} from ${status(d.from)} to ${status(d.to)}`,
				`set an action of ${doc} to ${status(d.to)}`
			);
		case 'case.exclusion.add':
			return verb(`Excluded ${subject()} from the case`, 'exclude someone from the case');
		case 'case.exclusion.lift':
			return verb(`Lifted the exclusion of ${subject()}`, 'lift an exclusion');
		case 'case.grant.add':
			return verb(
				`Gave ${subject()} access to the restricted details`,
				'give access to the restricted details'
			);
		case 'case.grant.revoke':
			return verb(
				`Revoked ${subject()}’s access to the restricted details`,
				'revoke access to the restricted details'
			);
	}
	if (/share/.test(e.action)) return verb(`Shared to the meeting from ${doc}`, `share from ${doc}`);
	if (/export/.test(e.action)) return verb('Exported case records', 'export case records');
	if (/status/.test(e.action)) return verb('Changed the case’s status', 'change the case’s status');
	return `${tried ? 'Tried: ' : ''}${e.action}`;
}

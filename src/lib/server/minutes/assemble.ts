// Assembles the record of a meeting (FrozenMinutes) from the register, the attendance and the
// cases' documents as they stand now. Everything the meeting drew on is read, whoever will
// receive it; private notes are never read. Redaction happens per recipient (model.ts minutesFor).
import { and, asc, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Database } from '../db/index.ts';
import { agencies, attendance, memberships, users, type Meeting } from '../db/schema/index.ts';
import type { DocumentService } from '../documents/types.ts';
import { loadAgenda } from '../meetings/agenda-data.ts';
import { documentName } from '../../documents/names.ts';
import { fragmentText } from '../../documents/rich-text.ts';
import {
	planDoc,
	readActions,
	RESTRICTED_CONTACT_FIELDS,
	restrictedDoc,
	RISK_FLAGS,
	agencyDoc
} from '../../documents/shapes.ts';
import { readPathway } from '../../pathway/fields.ts';
import { interpreterText, NRM_STAGE_TEXT, pathwayStatus } from '../../pathway/rules.ts';
import { londonDate } from '../../dates.ts';
import type {
	AgencyPart,
	FrozenCase,
	FrozenMinutes,
	FrozenPart,
	MinutesAttendance,
	PathwayPart,
	PlanPart,
	RestrictedPart
} from '../../minutes/model.ts';

export interface MeetingRecord {
	meeting: Meeting;
	areaName: string;
	confidentialityStatement: string;
	chairName: string | null;
}

/** Reads a document's current state into a throwaway Y.Doc, extracts from it, and frees it. */
async function fromDoc<T>(
	documents: DocumentService,
	name: string,
	extract: (doc: Y.Doc) => T
): Promise<T> {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, await documents.read(name));
		return extract(doc);
	} finally {
		doc.destroy();
	}
}

function planPart(doc: Y.Doc): PlanPart {
	const flags = planDoc.riskFlags(doc);
	return {
		kind: 'plan',
		riskFlags: RISK_FLAGS.filter((f) => flags.get(f.key) === true).map((f) => f.label),
		riskSummary: fragmentText(planDoc.riskSummary(doc)),
		victimVoice: fragmentText(planDoc.victimVoice(doc)),
		safetyPlan: fragmentText(planDoc.safetyPlan(doc)),
		decisions: fragmentText(planDoc.decisions(doc))
	};
}

function agencyPart(doc: Y.Doc, agency: string): AgencyPart | null {
	const summary = fragmentText(agencyDoc.summary(doc));
	const actions = readActions(doc).map((a) => ({
		id: a.id,
		agency,
		text: a.text,
		dueOn: a.dueOn,
		status: a.status,
		statusNote: a.statusNote,
		createdAt: a.createdAt
	}));
	if (!summary.trim() && actions.length === 0) return null;
	return { kind: 'agency', agency, summary, actions };
}

function restrictedPart(doc: Y.Doc): RestrictedPart {
	const contact = restrictedDoc.contact(doc);
	const fields: RestrictedPart['fields'] = [];
	for (const field of RESTRICTED_CONTACT_FIELDS) {
		const value = contact.get(field.key);
		if (typeof value === 'string' && value.trim()) {
			fields.push({ label: field.label, value: value.slice(0, 2000) });
		}
	}
	return { kind: 'restricted', fields };
}

function pathwayPart(doc: Y.Doc, today: string): PathwayPart {
	const status = pathwayStatus(readPathway(doc), today);
	return {
		kind: 'pathway',
		stage: NRM_STAGE_TEXT[status.stage],
		interpreter: status.interpreter ? interpreterText(status.interpreter) : null,
		keyDates: status.deadlines.map((d) => ({ label: d.label, date: d.date })),
		alerts: status.alerts.map((a) => ({ level: a.level, text: a.text }))
	};
}

async function attendanceOf(db: Database, meeting: Meeting): Promise<MinutesAttendance> {
	const rows = await db
		.select({
			name: users.name,
			agency: agencies.name,
			status: attendance.status,
			informationSent: attendance.informationSent,
			confirmedAt: attendance.confidentialityConfirmedAt,
			role: memberships.role
		})
		.from(attendance)
		.innerJoin(users, eq(users.id, attendance.userId))
		.innerJoin(agencies, eq(agencies.id, attendance.agencyId))
		.leftJoin(
			memberships,
			and(eq(memberships.userId, attendance.userId), eq(memberships.areaId, meeting.areaId))
		)
		.where(eq(attendance.meetingId, meeting.id))
		.orderBy(asc(agencies.name), asc(users.name));
	const present = new Map<string, string[]>();
	const result: MinutesAttendance = { present: [], observers: [], apologies: [] };
	for (const row of rows) {
		if (row.status === 'apologies') {
			result.apologies.push({
				name: row.name,
				agency: row.agency,
				informationSent: row.informationSent
			});
		} else if (row.role === 'observer') {
			result.observers.push({
				name: row.name,
				agency: row.agency,
				confidentialityConfirmedAt: row.confirmedAt?.toISOString() ?? null
			});
		} else {
			present.set(row.agency, [...(present.get(row.agency) ?? []), row.name]);
		}
	}
	result.present = [...present].map(([agency, people]) => ({ agency, people }));
	return result;
}

/** The record of the meeting as it stands at `now`. */
export async function assembleMinutes(
	db: Database,
	documents: DocumentService,
	record: MeetingRecord,
	now: Date
): Promise<FrozenMinutes> {
	const { meeting } = record;
	const today = londonDate(now);
	const [agenda, areaAgencies, present] = await Promise.all([
		loadAgenda(db, meeting.id, now),
		db
			.select({ id: agencies.id, name: agencies.name })
			.from(agencies)
			.where(eq(agencies.areaId, meeting.areaId))
			.orderBy(asc(agencies.name)),
		attendanceOf(db, meeting)
	]);
	const cases: FrozenCase[] = [];
	for (const entry of agenda) {
		const caseId = entry.caseId;
		// A case's documents are independent: read them together (loading each may hit the log).
		const plan = documentName({ kind: 'plan', caseId });
		const restricted = documentName({ kind: 'restricted', caseId });
		const pathway = documentName({ kind: 'pathway', caseId });
		const reads: Promise<[string, FrozenPart | null]>[] = [
			fromDoc(documents, plan, (doc) => [plan, planPart(doc)]),
			...areaAgencies.map((agency) => {
				const name = documentName({ kind: 'agency', caseId, agencyId: agency.id });
				return fromDoc(documents, name, (doc): [string, FrozenPart | null] => [
					name,
					agencyPart(doc, agency.name)
				]);
			}),
			fromDoc(documents, restricted, (doc) => [restricted, restrictedPart(doc)])
		];
		if (entry.kind === 'human_trafficking') {
			reads.push(fromDoc(documents, pathway, (doc) => [pathway, pathwayPart(doc, today)]));
		}
		const parts: Record<string, FrozenPart> = {};
		for (const [name, part] of await Promise.all(reads)) if (part) parts[name] = part;
		cases.push({
			caseId,
			reference: entry.reference,
			kind: entry.kind,
			repeat: entry.repeat,
			childrenInHousehold: entry.childrenInHousehold,
			interpreterLanguage: entry.interpreterLanguage,
			parts
		});
	}
	return {
		header: {
			meetingId: meeting.id,
			marac: record.areaName,
			heldAt: (meeting.startedAt ?? meeting.scheduledAt).toISOString(),
			venue: meeting.venue,
			online: meeting.online,
			chair: record.chairName
		},
		attendance: present,
		confidentialityStatement: record.confidentialityStatement,
		cases
	};
}

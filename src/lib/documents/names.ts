// Document names (DESIGN §5): the unit of access control. Shared by client, server and tests.

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CASE_DOC = new RegExp(
	`^case:(${UUID}):(plan|restricted|pathway|agency:(${UUID})|notes:(${UUID}))$`
);
const MEETING_DOC = new RegExp(`^meeting:(${UUID})$`);

export type DocumentRef =
	| { kind: 'plan'; caseId: string }
	| { kind: 'restricted'; caseId: string }
	| { kind: 'pathway'; caseId: string }
	| { kind: 'agency'; caseId: string; agencyId: string }
	| { kind: 'notes'; caseId: string; agencyId: string }
	| { kind: 'meeting'; meetingId: string };

export type DocumentKind = DocumentRef['kind'];

/** Parses a document name; anything that is not exactly one of the shapes is null. */
export function parseDocumentName(name: string): DocumentRef | null {
	if (name.length > 200) return null;
	const c = CASE_DOC.exec(name);
	if (c) {
		const caseId = c[1]!;
		const part = c[2]!;
		if (part === 'plan' || part === 'restricted' || part === 'pathway')
			return { kind: part, caseId };
		if (c[3]) return { kind: 'agency', caseId, agencyId: c[3] };
		if (c[4]) return { kind: 'notes', caseId, agencyId: c[4] };
		return null;
	}
	const m = MEETING_DOC.exec(name);
	return m ? { kind: 'meeting', meetingId: m[1]! } : null;
}

export function documentName(ref: DocumentRef): string {
	switch (ref.kind) {
		case 'meeting':
			return `meeting:${ref.meetingId}`;
		case 'agency':
		case 'notes':
			return `case:${ref.caseId}:${ref.kind}:${ref.agencyId}`;
		default:
			return `case:${ref.caseId}:${ref.kind}`;
	}
}

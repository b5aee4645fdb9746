/**
 * Minutes exported through the production server, as DOCX and PDF, read back (unzip + XML; pdf.js
 * per page): the sections are there; what each recipient receives follows the access policy
 * (restricted details only with restricted access, private notes never, nothing of a case an
 * agency is kept out of); every page carries the marking and the watermark; an issued version
 * does not change when the case is edited later; each file is registered with its SHA-256.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	auditEvents,
	caseExclusions,
	cases,
	docUpdates,
	exportsRegister,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import type { Database } from '../../src/lib/server/db/index.ts';
import { documentName } from '../../src/lib/documents/names.ts';
import { appendParagraphs } from '../../src/lib/documents/rich-text.ts';
import { agencyDoc, notesDoc, planDoc, restrictedDoc } from '../../src/lib/documents/shapes.ts';
import { testDatabases } from '../helpers/db.ts';
import { createMember, TEST_PASSWORD } from '../helpers/fixtures.ts';
import { docxParagraphs, docxParts, pdfPages, squash } from '../helpers/document-text.ts';
import {
	Client,
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const CANARY = {
	plan: 'PLAN-CANARY risk summary for the minutes',
	police: 'POLICE-CANARY shared research summary',
	restricted: 'RESTRICTED-CANARY 7 Safe Harbour Road',
	notes: 'NOTES-CANARY private police research',
	later: 'LATER-CANARY written after the minutes were issued'
};
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Writes a Yjs update straight into a document's log, as if a client had sent it. */
async function write(db: Database, name: string, change: (doc: Y.Doc) => void) {
	const doc = new Y.Doc();
	change(doc);
	await db.insert(docUpdates).values({ docName: name, update: Y.encodeStateAsUpdate(doc) });
	doc.destroy();
}

describe.each(testDatabases())('minutes export on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	let meetingId = '';
	let caseId = '';
	const people: Record<string, string> = {};
	const served: { id: string; sha256: string; kind: string; recipient: string }[] = [];

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				const [meeting] = await db.select().from(meetings);
				meetingId = meeting!.id;
				const byRef = new Map((await db.select().from(cases)).map((c) => [c.reference, c.id]));
				caseId = byRef.get('DEMO-0001')!;
				for (const u of await db.select().from(users)) people[u.email.split('@')[0]!] = u.id;
				const police = (await db.select().from(agencies).where(eq(agencies.sector, 'police')))[0]!;
				const housing = (
					await db.select().from(agencies).where(eq(agencies.sector, 'housing'))
				)[0]!;
				await write(db, documentName({ kind: 'plan', caseId }), (doc) =>
					appendParagraphs(planDoc.riskSummary(doc), CANARY.plan)
				);
				await write(db, documentName({ kind: 'agency', caseId, agencyId: police.id }), (doc) =>
					appendParagraphs(agencyDoc.summary(doc), CANARY.police)
				);
				await write(db, documentName({ kind: 'restricted', caseId }), (doc) =>
					restrictedDoc.contact(doc).set('address', CANARY.restricted)
				);
				await write(db, documentName({ kind: 'notes', caseId, agencyId: police.id }), (doc) =>
					appendParagraphs(notesDoc.notes(doc), CANARY.notes)
				);
				await db.insert(caseExclusions).values({
					caseId: byRef.get('DEMO-0002')!,
					agencyId: housing.id,
					reason: 'The person causing harm works for the housing provider.',
					createdBy: people.coordinator!
				});
				const ended = new Date();
				await db
					.update(meetings)
					.set({ status: 'closed', startedAt: ended, endedAt: ended })
					.where(eq(meetings.id, meetingId));
				const outsider = await createMember(db, {
					email: 'outsider@test.example',
					role: 'coordinator'
				});
				people.outsider = outsider.user.id;
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const as = (email: string) => signedInClient(server, email);
	const minutesPage = () => `/meetings/${meetingId}/minutes`;
	const exportPath = () => `/meetings/${meetingId}/minutes/export`;
	async function stepUp(client: Client) {
		const response = await client.postForm('/reauth', { password: DEMO_PASSWORD, next: '/' });
		expect(response.status).toBe(303);
	}
	const exportFor = (
		client: Client,
		recipient: string,
		format: 'docx' | 'pdf',
		version = '1',
		reason = 'Minutes for the agency representative'
	) => client.postForm(exportPath(), { version, recipient: people[recipient]!, format, reason });

	async function download(recipient: string, format: 'docx' | 'pdf', client?: Client) {
		const coordinator = client ?? (await as('coordinator@demo.example'));
		if (!client) await stepUp(coordinator);
		const response = await exportFor(coordinator, recipient, format);
		expect(
			response.status,
			await response
				.clone()
				.text()
				.catch(() => '')
		).toBe(200);
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('content-disposition')).toMatch(
			new RegExp(
				`^attachment; filename="marac-minutes-demo-area-\\d{4}-\\d{2}-\\d{2}-v1\\.${format}"$`
			)
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		const sha256 = createHash('sha256').update(bytes).digest('hex');
		return { bytes, sha256 };
	}

	it('is refused without a recent step-up, and to anyone but the coordinator and chair', async () => {
		const coordinator = await as('coordinator@demo.example');
		const issued = await coordinator.postForm(`${minutesPage()}?/issue`, {});
		expect(issued.status).toBe(200);
		expect(await (await coordinator.get(minutesPage())).text()).toContain('Version 1');
		const posted = await exportFor(coordinator, 'police', 'docx');
		expect(posted.status).toBe(303);
		expect(posted.headers.get('location')).toMatch(/^\/reauth\?next=/);
		expect(posted.headers.get('location')).not.toContain('agency%20representative');
		for (const email of ['police@demo.example', 'observer@demo.example']) {
			const client = await as(email);
			await stepUp(client);
			expect((await exportFor(client, 'police', 'pdf')).status, email).toBe(403);
			expect((await client.get(minutesPage())).status, email).toBe(403);
		}
		for (const email of ['admin@demo.example', 'outsider@test.example']) {
			const client = await as(email);
			const password = email.endsWith('@demo.example') ? DEMO_PASSWORD : TEST_PASSWORD;
			await client.postForm('/reauth', { password, next: '/' });
			expect((await exportFor(client, 'police', 'pdf')).status, email).toBe(404);
		}
	});

	it('refuses a version not issued and a recipient outside the area, back to the form', async () => {
		const coordinator = await as('coordinator@demo.example');
		await stepUp(coordinator);
		const unissued = await exportFor(coordinator, 'police', 'docx', '2');
		expect(unissued.status).toBe(303);
		expect(unissued.headers.get('location')).toContain('problem=version');
		const outsider = await exportFor(coordinator, 'outsider', 'docx');
		expect(outsider.status).toBe(303);
		expect(outsider.headers.get('location')).toContain('problem=recipient');
	});

	it('gives the police a DOCX without restricted details or private notes, marked and watermarked', async () => {
		const { bytes, sha256 } = await download('police', 'docx');
		const parts = docxParts(bytes);
		const body = docxParagraphs(parts['word/document.xml']!).join('\n');
		for (const section of ['Present', 'Apologies', 'Confidentiality statement', 'Actions']) {
			expect(body).toContain(section);
		}
		expect(body).toContain('DEMO-0001');
		expect(body).toContain(CANARY.plan);
		expect(body).toContain(CANARY.police);
		const everything = Object.values(parts).join('\n');
		expect(everything).not.toContain(CANARY.restricted);
		expect(everything).not.toContain(CANARY.notes);
		const headers = Object.entries(parts)
			.filter(([path]) => /^word\/(header|footer)\d*\.xml$/.test(path))
			.map(([, xml]) => docxParagraphs(xml).join('\n'))
			.join('\n');
		expect(headers).toContain('OFFICIAL-SENSITIVE');
		expect(headers).toContain('PC Priya Police');
		const exportId = UUID.exec(headers)?.[0];
		expect(exportId).toBeDefined();
		served.push({ id: exportId!, sha256, kind: 'minutes_docx', recipient: 'police' });
	});

	it('gives the IDVA a PDF with the restricted details, never the private notes, marked on every page', async () => {
		const { bytes, sha256 } = await download('idva', 'pdf');
		const pages = await pdfPages(bytes);
		expect(pages.length).toBeGreaterThan(1);
		const all = squash(pages.map((p) => p.text).join(' '));
		expect(all).toContain(squash(CANARY.restricted));
		expect(all).toContain(squash(CANARY.plan));
		expect(all).not.toContain(squash(CANARY.notes));
		let exportId = '';
		pages.forEach((page, i) => {
			expect(page.text, `page ${i + 1}`).toContain('OFFICIAL-SENSITIVE');
			expect(squash(page.text), `page ${i + 1}`).toContain(squash('Indira IDVA'));
			expect(page.text, `page ${i + 1}`).toMatch(UUID);
			expect(page.text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
			exportId ||= UUID.exec(page.text)![0];
		});
		served.push({ id: exportId, sha256, kind: 'minutes_pdf', recipient: 'idva' });
	});

	it('leaves out, for an excluded agency, everything of the case it is kept out of', async () => {
		const { bytes } = await download('housing', 'pdf');
		const all = (await pdfPages(bytes)).map((p) => p.text).join(' ');
		expect(all).toContain('DEMO-0001');
		expect(all).not.toContain('DEMO-0002');
		const { bytes: docx } = await download('housing', 'docx');
		const everything = Object.values(docxParts(docx)).join('\n');
		expect(everything).toContain('DEMO-0001');
		expect(everything).not.toContain('DEMO-0002');
	});

	it('keeps an issued version as it was when the case is edited later', async () => {
		await server.withDatabase((db) =>
			write(db, documentName({ kind: 'plan', caseId }), (doc) =>
				appendParagraphs(planDoc.riskSummary(doc), CANARY.later)
			)
		);
		const { bytes } = await download('coordinator', 'docx');
		const everything = Object.values(docxParts(bytes)).join('\n');
		expect(everything).toContain(CANARY.plan);
		expect(everything).toContain(CANARY.restricted); // the full set, for the coordinator
		expect(everything).not.toContain(CANARY.later);
		expect(everything).not.toContain(CANARY.notes);
	});

	it('registered and audited each export with the SHA-256 of the bytes served', async () => {
		await server.withDatabase(async (db) => {
			for (const file of served) {
				const [row] = await db
					.select()
					.from(exportsRegister)
					.where(eq(exportsRegister.id, file.id));
				expect(row, file.kind).toMatchObject({
					kind: file.kind,
					meetingId,
					minutesVersion: 1,
					recipientUserId: people[file.recipient],
					userId: people.coordinator,
					sha256: file.sha256,
					reason: 'Minutes for the agency representative'
				});
			}
			const audits = await db
				.select()
				.from(auditEvents)
				.where(and(eq(auditEvents.action, 'export'), eq(auditEvents.outcome, 'success')));
			for (const file of served) {
				expect(audits.some((a) => (a.details as { exportId?: string }).exportId === file.id)).toBe(
					true
				);
			}
		});
	});
});

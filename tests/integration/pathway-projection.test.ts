/**
 * The pathway projection: a trafficking case's pathway document, validated, lands in `pathways`
 * and drives the case's interpreter need (shown in every view of the case).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import { startHarness, until, type Harness } from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { cases, pathways } from '../../src/lib/server/db/schema/index.ts';
import { pathwayDoc } from '../../src/lib/documents/shapes.ts';
import { readPathway } from '../../src/lib/pathway/fields.ts';
import { pathwayStatus } from '../../src/lib/pathway/rules.ts';

describe.each(testDatabases())('pathway projection on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let caseId: string;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		const [c] = await t.db.select().from(cases).where(eq(cases.kind, 'human_trafficking'));
		caseId = c!.id;
	});
	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	const row = async () =>
		(await t.db.select().from(pathways).where(eq(pathways.caseId, caseId)))[0];
	const caseRow = async () => (await t.db.select().from(cases).where(eq(cases.id, caseId)))[0]!;

	it('projects validated fields and the NRM stage, and sets the case’s interpreter language', async () => {
		const name = `case:${caseId}:pathway`;
		await h.runtime.documents!.edit(name, { userId: null }, (doc) => {
			const fields = pathwayDoc.fields(doc);
			fields.set('interpreterNeeded', 'yes');
			fields.set('preferredLanguage', 'Tigrinya');
			fields.set('nrmReferralDate', '2026-11-02');
			fields.set('rgOutcome', 'positive');
			fields.set('rgDate', '2026-11-09');
			fields.set('cgDate', 'not a date');
			const appointment = new Y.Map<unknown>();
			appointment.set('id', 'gp-1');
			appointment.set('date', '2026-11-20');
			appointment.set('service', 'GP');
			appointment.set('outcome', 'cancelled_by_someone_else');
			pathwayDoc.appointments(doc).push([appointment]);
		});
		await until(async () => (await row())?.stage === 'awaiting_cg');
		const projected = (await row())!;
		expect(projected.fields).toEqual({
			interpreterNeeded: 'yes',
			preferredLanguage: 'Tigrinya',
			nrmReferralDate: '2026-11-02',
			rgOutcome: 'positive',
			rgDate: '2026-11-09'
		});
		expect(projected.appointments).toEqual([
			{ id: 'gp-1', date: '2026-11-20', service: 'GP', outcome: 'cancelled_by_someone_else' }
		]);
		expect(projected.interpreterLanguage).toBe('Tigrinya');
		expect((await caseRow()).interpreterLanguage).toBe('Tigrinya');
		// What pages compute from the projection is what the document says.
		const doc = new Y.Doc();
		Y.applyUpdate(doc, await h.runtime.documents!.read(name));
		expect(
			pathwayStatus(
				{ fields: projected.fields, appointments: projected.appointments },
				'2026-11-28'
			)
		).toEqual(pathwayStatus(readPathway(doc), '2026-11-28'));
	});

	it('"no interpreter needed" clears the case’s interpreter language', async () => {
		await h.runtime.documents!.edit(`case:${caseId}:pathway`, { userId: null }, (doc) => {
			pathwayDoc.fields(doc).set('interpreterNeeded', 'no');
		});
		await until(async () => (await caseRow()).interpreterLanguage === null);
		expect((await row())!.interpreterLanguage).toBeNull();
	});
});

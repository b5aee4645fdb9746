/**
 * Alerts appear and clear through real edits (issue 6): edits to a trafficking case's pathway,
 * made through the server's edit API and by a support worker's live client, are persisted and
 * projected; the coordinator's per-case alert list, computed from the projection for the day,
 * follows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { and, eq } from 'drizzle-orm';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';
import {
	provider,
	sessionCookie,
	signedIn,
	startHarness,
	synced,
	until,
	type Harness
} from '../helpers/sync.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { auditEvents, cases, pathways, users } from '../../src/lib/server/db/schema/index.ts';
import { loadDocument } from '../../src/lib/server/documents/store.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import type { Actor } from '../../src/lib/server/audit/index.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { pathwayDoc } from '../../src/lib/documents/shapes.ts';
import { pathwayStatus, type AlertKey } from '../../src/lib/pathway/rules.ts';
import { traffickingCaseAlerts } from '../../src/lib/server/trafficking/dashboard.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const TODAY = '2026-11-28';

describe.each(testDatabases())('pathway alerts through live edits on $name', (backend) => {
	let t: TestDatabase;
	let h: Harness;
	let caseId: string;
	let name: string;
	let coordinator: Principal;
	let worker: Actor;

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		h = await startHarness(t);
		const [c] = await t.db.select().from(cases).where(eq(cases.reference, 'DEMO-0007'));
		caseId = c!.id;
		name = `case:${caseId}:pathway`;
		const [u] = await t.db.select().from(users).where(eq(users.email, 'coordinator@demo.example'));
		coordinator = {
			userId: u!.id,
			isAdmin: false,
			memberships: await membershipsOf(t.db, u!.id)
		};
		const third = await signedIn(h, 'third-sector@demo.example');
		const [seat] = await membershipsOf(t.db, third.userId);
		worker = {
			userId: third.userId,
			sessionId: third.sessionId,
			areaId: seat!.areaId,
			agencyId: seat!.agencyId,
			role: seat!.role
		};
	});
	afterAll(async () => {
		await h?.stop();
		await t?.cleanup();
	});

	/** Edits a pathway field the way a form action or live edit does, and waits until projected. */
	async function edit(values: Record<string, string>) {
		await h.runtime.documents!.edit(name, worker, (doc) => {
			const fields = pathwayDoc.fields(doc);
			for (const [key, value] of Object.entries(values)) fields.set(key, value);
		});
		await until(async () => {
			const row = await projection();
			return !!row && Object.entries(values).every(([k, v]) => row.fields[k] === v);
		});
	}
	const projection = async () =>
		(await t.db.select().from(pathways).where(eq(pathways.caseId, caseId)))[0];
	/** The status every page computes from the projection. */
	const projectedAlerts = async (): Promise<AlertKey[]> => {
		const row = (await projection())!;
		return pathwayStatus({ fields: row.fields, appointments: row.appointments }, TODAY).alerts.map(
			(a) => a.key
		);
	};
	/** The coordinator's dashboard row for the case. */
	const dashboardRow = async () =>
		(await traffickingCaseAlerts(t.db, coordinator, coordinator.memberships[0]!.areaId, NOW)).find(
			(c) => c.caseId === caseId
		);

	it('an interpreter need recorded on the pathway raises the interpreter alert', async () => {
		await edit({ interpreterNeeded: 'yes', preferredLanguage: 'Tigrinya', dialect: 'Asmara' });
		expect(await projectedAlerts()).toEqual(['interpreter_needed']);
		const row = await dashboardRow();
		expect(row?.alerts).toEqual([
			{
				key: 'interpreter_needed',
				level: 'warning',
				text: 'Interpreter needed: Tigrinya (Asmara); never use a companion or family member'
			}
		]);
		// Persisted (the stored log and snapshot hold it, whether or not compacted since) and
		// audited as the worker's edit.
		const stored = await loadDocument(t.db, name);
		const doc = new Y.Doc();
		for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
		expect(pathwayDoc.fields(doc).get('preferredLanguage')).toBe('Tigrinya');
		const audit = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'document.server_edit'), eq(auditEvents.target, name)));
		expect(audit.map((e) => e.userId)).toContain(worker.userId);
	});

	it('an NRM referral older than 5 working days with no RG decision is urgent and listed first', async () => {
		// Mon 2 Nov 2026 + 5 working days = Mon 9 Nov: 19 days overdue on 28 Nov.
		await edit({ nrmReferralDate: '2026-11-02' });
		expect(await projectedAlerts()).toEqual(['rg_overdue', 'interpreter_needed']);
		const list = await traffickingCaseAlerts(
			t.db,
			coordinator,
			coordinator.memberships[0]!.areaId,
			NOW
		);
		expect(list[0]!.caseId).toBe(caseId);
		expect(list[0]!.stage).toBe('awaiting_rg');
		expect(list[0]!.alerts[0]).toMatchObject({
			key: 'rg_overdue',
			level: 'urgent',
			text: 'Reasonable-grounds decision 19 days overdue (due 2026-11-09)'
		});
		expect(list[0]!.nextDeadline).toMatchObject({
			key: 'rg_due',
			date: '2026-11-09',
			daysLeft: -19
		});
	});

	it('a support worker’s live client marking no GP raises the no-GP alert', async () => {
		const client = provider(h, name, await sessionCookie(h, 'third-sector@demo.example'));
		await synced(client);
		client.doc.transact(() => {
			pathwayDoc.fields(client.doc).set('gpRegistered', 'no');
			pathwayDoc.fields(client.doc).set('gpBarrier', 'Asked for proof of address');
		});
		await until(async () => (await projection())?.fields.gpRegistered === 'no');
		client.destroy();
		expect(await projectedAlerts()).toContain('no_gp');
		expect((await dashboardRow())?.alerts.map((a) => a.text)).toContain(
			'Not registered with a GP: Asked for proof of address'
		);
	});

	it('recording the RG decision clears the overdue alert; a GP registration clears no-GP', async () => {
		await edit({ rgOutcome: 'positive', rgDate: '2026-11-20' });
		let alerts = await projectedAlerts();
		expect(alerts).not.toContain('rg_overdue');
		expect(alerts).toContain('cg_pending');
		let row = await dashboardRow();
		expect(row?.stage).toBe('awaiting_cg');
		// Recovery period: 20 Nov + 30 days = 20 Dec, 22 days ahead.
		expect(row?.nextDeadline).toMatchObject({
			key: 'recovery_end',
			date: '2026-12-20',
			daysLeft: 22
		});

		await edit({ gpRegistered: 'yes' });
		alerts = await projectedAlerts();
		expect(alerts).not.toContain('no_gp');
		expect(alerts.sort()).toEqual(['cg_pending', 'interpreter_needed']);

		await edit({ interpreterNeeded: 'no' });
		await until(
			async () =>
				(await t.db.select().from(cases).where(eq(cases.id, caseId)))[0]!.interpreterLanguage ===
				null
		);
		row = await dashboardRow();
		expect(row?.alerts.map((a) => [a.key, a.level])).toEqual([['cg_pending', 'info']]);
	});
});

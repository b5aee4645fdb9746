import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
	EXPORTS_PER_HOUR,
	STEP_UP_MINUTES,
	attachment,
	contentDisposition,
	exportAllowance,
	newExportId,
	nextExportAt,
	recordExport,
	safeFilename,
	sha256Hex,
	stepUpFresh,
	type ExportActor
} from '../../../src/lib/server/exports/index.ts';
import { auditEvents, exportsRegister } from '../../../src/lib/server/db/schema/index.ts';
import { testDatabases, type TestDatabase } from '../../helpers/db.ts';
import { createMember } from '../../helpers/fixtures.ts';

const MIN = 60_000;

describe('stepUpFresh', () => {
	const at = new Date('2026-03-02T10:00:00Z');
	const after = (ms: number) => new Date(at.getTime() + ms);

	it('is fresh up to and including exactly five minutes', () => {
		expect(STEP_UP_MINUTES).toBe(5);
		expect(stepUpFresh({ stepUpAt: at }, at)).toBe(true);
		expect(stepUpFresh({ stepUpAt: at }, after(5 * MIN - 1))).toBe(true);
		expect(stepUpFresh({ stepUpAt: at }, after(5 * MIN))).toBe(true);
	});

	it('is stale a millisecond after five minutes, without a step-up, or from the future', () => {
		expect(stepUpFresh({ stepUpAt: at }, after(5 * MIN + 1))).toBe(false);
		expect(stepUpFresh({ stepUpAt: null }, at)).toBe(false);
		expect(stepUpFresh({ stepUpAt: after(MIN) }, at)).toBe(false);
	});
});

describe('safeFilename and contentDisposition', () => {
	it('keeps ASCII letters, digits, dot, dash and underscore only', () => {
		expect(safeFilename('action-plan-2026-03-02-Demo Police-1a2b3c4d.csv')).toBe(
			'action-plan-2026-03-02-Demo-Police-1a2b3c4d.csv'
		);
		expect(safeFilename('a"b\r\nContent-Type: x.csv')).toBe('a-b-Content-Type-x.csv');
		expect(safeFilename('../../etc/passwd')).toBe('etc-passwd');
		expect(safeFilename('Caerdydd – Gwasanaeth Iechyd Ŵ.csv')).toBe(
			'Caerdydd-Gwasanaeth-Iechyd-W.csv'
		);
	});

	it('falls back when nothing usable is left, and caps the length', () => {
		expect(safeFilename('""')).toBe('export');
		expect(safeFilename('...')).toBe('export');
		const long = safeFilename(`${'x'.repeat(300)}.csv`);
		expect(long.length).toBeLessThanOrEqual(120);
		expect(long.endsWith('.csv')).toBe(true);
	});

	it('is an attachment with a quoted ASCII name, and filename* only for non-ASCII', () => {
		expect(contentDisposition('plan.csv')).toBe('attachment; filename="plan.csv"');
		const header = contentDisposition('Ŵ "x"\n.csv');
		expect(header).toMatch(/^attachment; filename="W-x-.csv"|^attachment; filename="W-x.csv"/);
		expect(header).toContain("filename*=UTF-8''%C5%B4%20x.csv");
		expect(header).not.toMatch(/[\r\n]/);
		expect(header.match(/"/g)).toHaveLength(2);
	});
});

describe('attachment', () => {
	it('is served as a download, never cached or sniffed', async () => {
		const bytes = new TextEncoder().encode('a,b\r\n');
		const response = attachment(bytes, 'plan.csv', 'text/csv; charset=utf-8');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toBe('attachment; filename="plan.csv"');
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
	});
});

describe('newExportId and sha256Hex', () => {
	it('gives distinct UUIDs and the hex SHA-256 of the bytes', () => {
		const a = newExportId();
		expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(newExportId()).not.toBe(a);
		expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});
});

describe.each(testDatabases())('the register and its hourly limit on $name', (backend) => {
	let t: TestDatabase;
	let actor: ExportActor;
	let clock: Date;
	beforeAll(async () => {
		t = await backend.open();
	});
	afterAll(async () => {
		await t?.cleanup();
	});
	beforeEach(async () => {
		clock = new Date('2026-03-02T10:00:00Z');
		const { area, agency, user } = await createMember(t.db, { role: 'coordinator' });
		actor = {
			userId: user.id,
			sessionId: 'abcdefghijklmnop',
			areaId: area.id,
			agencyId: agency.id,
			role: 'coordinator',
			ip: '203.0.113.9'
		};
	});

	const entry = (content = 'x') => ({
		id: newExportId(),
		kind: 'action_plan_csv' as const,
		recipientAgencyId: actor.agencyId,
		reason: 'For the police lead',
		filename: 'plan.csv',
		content: new TextEncoder().encode(content),
		at: clock
	});

	it('records the register row and an audit row without the reason', async () => {
		const e = entry('hello');
		const result = await recordExport(t.db, actor, e);
		expect(result).toEqual({ kind: 'recorded', sha256: sha256Hex(e.content), bytes: 5 });
		const [row] = await t.db.select().from(exportsRegister).where(eq(exportsRegister.id, e.id));
		expect(row).toMatchObject({
			userId: actor.userId,
			areaId: actor.areaId,
			sessionId: actor.sessionId,
			recipientAgencyId: actor.agencyId,
			kind: 'action_plan_csv',
			reason: 'For the police lead',
			filename: 'plan.csv',
			bytes: 5,
			sha256: sha256Hex(e.content)
		});
		const audits = await t.db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.userId, actor.userId), eq(auditEvents.action, 'export')));
		expect(audits).toHaveLength(1);
		expect(audits[0]!.outcome).toBe('success');
		expect(audits[0]!.details).toMatchObject({
			exportId: e.id,
			recipientAgencyId: actor.agencyId,
			sha256: sha256Hex(e.content)
		});
		expect(JSON.stringify(audits[0]!.details)).not.toContain('police lead');
	});

	it('allows ten exports in an hour, refuses the eleventh, and frees a place an hour on', async () => {
		expect(await exportAllowance(t.db, actor.userId, clock)).toBe(EXPORTS_PER_HOUR);
		const first = clock;
		for (let i = 0; i < EXPORTS_PER_HOUR; i++) {
			expect((await recordExport(t.db, actor, entry())).kind).toBe('recorded');
			clock = new Date(clock.getTime() + MIN);
		}
		expect(await exportAllowance(t.db, actor.userId, clock)).toBe(0);
		expect((await recordExport(t.db, actor, entry())).kind).toBe('rate-limited');
		const rows = await t.db
			.select()
			.from(exportsRegister)
			.where(eq(exportsRegister.userId, actor.userId));
		expect(rows).toHaveLength(EXPORTS_PER_HOUR);
		expect((await nextExportAt(t.db, actor.userId, clock)).getTime()).toBe(
			first.getTime() + 60 * MIN
		);
		clock = new Date(first.getTime() + 60 * MIN);
		expect(await exportAllowance(t.db, actor.userId, clock)).toBe(1);
	});

	it('counts concurrent exports against the limit once each', async () => {
		const results = await Promise.all(
			Array.from({ length: EXPORTS_PER_HOUR + 3 }, () => recordExport(t.db, actor, entry()))
		);
		expect(results.filter((r) => r.kind === 'recorded')).toHaveLength(EXPORTS_PER_HOUR);
	});
});

/**
 * After a meeting ends, the plan and agency summaries of the cases it heard are the record of that
 * meeting: read-only over sockets until the case is listed on a later meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import {
	agencies,
	agendaItems,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { access } from '../../src/lib/server/policy/facts.ts';
import type { Principal } from '../../src/lib/server/policy/index.ts';
import { membershipsOf } from '../../src/lib/server/tenancy/index.ts';
import { documentName } from '../../src/lib/documents/names.ts';
import { testDatabases, type TestDatabase } from '../helpers/db.ts';

describe.each(testDatabases())('frozen cases on $name', (backend) => {
	let t: TestDatabase;
	let caseId: string;
	let meetingId: string;
	let policeAgency: string;
	const who: Record<string, Principal> = {};
	const now = () => new Date();

	beforeAll(async () => {
		t = await backend.open();
		await seedDemo(t.db);
		const [item] = await t.db.select().from(agendaItems).limit(1);
		caseId = item!.caseId;
		meetingId = item!.meetingId;
		policeAgency = (await t.db.select().from(agencies).where(eq(agencies.sector, 'police')))[0]!.id;
		for (const email of ['coordinator', 'police', 'idva']) {
			const [u] = await t.db
				.select()
				.from(users)
				.where(eq(users.email, `${email}@demo.example`));
			who[email] = {
				userId: u!.id,
				isAdmin: false,
				memberships: await membershipsOf(t.db, u!.id)
			};
		}
	});
	afterAll(async () => {
		await t?.cleanup();
	});

	const level = async (person: string, doc: string) =>
		(await access(t.db, who[person]!, doc, now())).access;

	it('freezes the plan and agency documents when the meeting ends, and not the rest', async () => {
		const plan = documentName({ kind: 'plan', caseId });
		const police = documentName({ kind: 'agency', caseId, agencyId: policeAgency });
		const notes = documentName({ kind: 'notes', caseId, agencyId: policeAgency });
		const restricted = documentName({ kind: 'restricted', caseId });
		expect(await level('coordinator', plan)).toBe('write');
		expect(await level('police', police)).toBe('write');

		await t.db.update(meetings).set({ status: 'closed' }).where(eq(meetings.id, meetingId));
		expect(await level('coordinator', plan)).toBe('read');
		expect(await level('police', police)).toBe('read');
		expect(await level('coordinator', police)).toBe('read');
		// Private notes and the restricted panel are not minutes: they stay as they were.
		expect(await level('police', notes)).toBe('write');
		expect(await level('idva', restricted)).toBe('write');
	});

	it('listing the case on a later meeting opens them again', async () => {
		const [closed] = await t.db.select().from(meetings).where(eq(meetings.id, meetingId));
		const [later] = await t.db
			.insert(meetings)
			.values({
				areaId: closed!.areaId,
				scheduledAt: new Date(closed!.scheduledAt.getTime() + 28 * 86_400_000)
			})
			.returning();
		await t.db.insert(agendaItems).values({ meetingId: later!.id, caseId, position: 0 });
		expect(await level('coordinator', documentName({ kind: 'plan', caseId }))).toBe('write');
		expect(
			await level('police', documentName({ kind: 'agency', caseId, agencyId: policeAgency }))
		).toBe('write');
		// A case never listed is not frozen.
		const [unlisted] = await t.db.select().from(cases).where(eq(cases.status, 'referred'));
		if (unlisted) {
			expect(await level('coordinator', documentName({ kind: 'plan', caseId: unlisted.id }))).toBe(
				'write'
			);
		}
	});
});

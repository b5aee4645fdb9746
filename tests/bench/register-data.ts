/** The case register bench's data: the Demo Area plus `count` generated cases and their history. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../src/lib/server/db/index.ts';
import {
	actions,
	agencies,
	agendaItems,
	areas,
	caseExclusions,
	cases,
	meetings,
	users
} from '../../src/lib/server/db/schema/index.ts';
import { seedDemo } from '../../src/lib/server/seed/demo.ts';
import { normaliseName } from '../../src/lib/server/cases/names.ts';
import { prng } from './content.ts';

const DAY = 24 * 3_600_000;

/**
 * The Demo Area plus 5,000 cases over ten years: a mix of statuses and kinds, repeats, children,
 * interpreters; 300 meetings of 16 cases; three actions per case (some overdue); 100 exclusions
 * of the police (so the police's register pays for the exclusion check).
 */
export async function seedRegister(
	db: Database,
	count: number,
	log: (line: string) => void = () => {}
): Promise<{ meetingId: string }> {
	const now = new Date();
	const rand = prng(42);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
	let mark = performance.now();
	const phase = (what: string) => {
		if (process.env.BENCH_VERBOSE === '1')
			log(`    ${what}: ${((performance.now() - mark) / 1000).toFixed(1)} s`);
		mark = performance.now();
	};
	await seedDemo(db, now);
	phase('demo data');
	const [area] = await db.select().from(areas).where(eq(areas.name, 'Demo Area'));
	const areaAgencies = await db.select().from(agencies).where(eq(agencies.areaId, area!.id));
	const police = areaAgencies.find((a) => a.sector === 'police')!;
	const [coordinator] = await db
		.select()
		.from(users)
		.where(eq(users.email, 'coordinator@demo.example'));
	const FIRST = ['Alex', 'Sam', 'Jo', 'Chris', 'Kim', 'Lee', 'Robin', 'Ash', 'Dana', 'Ola'];
	const LAST = ['Example', 'Sample', 'Madeup', 'Notreal', 'Invented', 'Pretend', 'Fiction'];
	const ids: string[] = [];
	for (let start = 0; start < count; start += 500) {
		const batch = Array.from({ length: Math.min(500, count - start) }, (_, j) => {
			const i = start + j;
			const name = `${pick(FIRST)} ${pick(LAST)} ${i}`;
			const trafficking = rand() < 0.15;
			const referredAt = new Date(now.getTime() - rand() * 3650 * DAY);
			const status = pick(['referred', 'listed', 'open', 'closed', 'closed', 'closed'] as const);
			return {
				areaId: area!.id,
				reference: `BENCH-${String(i + 1).padStart(5, '0')}`,
				kind: trafficking ? ('human_trafficking' as const) : ('domestic_abuse' as const),
				status,
				victimName: name,
				victimNameKey: normaliseName(name),
				victimAliases: rand() < 0.2 ? [`${pick(FIRST)} ${pick(LAST)}`] : [],
				victimDob: new Date(
					Date.UTC(1950 + Math.floor(rand() * 55), 0, 1 + Math.floor(rand() * 360))
				)
					.toISOString()
					.slice(0, 10),
				referringAgencyId: pick(areaAgencies).id,
				referredAt,
				dashScore: trafficking ? null : Math.floor(rand() * 25),
				childrenInHousehold: rand() < 0.4 ? 1 + Math.floor(rand() * 3) : 0,
				interpreterLanguage: rand() < 0.1 ? pick(['Polish', 'Urdu', 'Tigrinya', 'Albanian']) : null,
				repeatOfCaseId: ids.length > 0 && rand() < 0.3 ? pick(ids) : null,
				repeatConfirmed: null
			};
		});
		const rows = await db.insert(cases).values(batch).returning({ id: cases.id });
		ids.push(...rows.map((r) => r.id));
	}
	phase(`${count} cases`);
	// 300 meetings, fortnightly back from four weeks ahead; 16 cases on each agenda.
	const meetingRows = await db
		.insert(meetings)
		.values(
			Array.from({ length: 300 }, (_, i) => {
				const at = new Date(now.getTime() + (28 - 14 * i) * DAY);
				return {
					areaId: area!.id,
					scheduledAt: at,
					status: at > now ? ('planned' as const) : ('closed' as const)
				};
			})
		)
		.returning({ id: meetings.id });
	const agenda = meetingRows.flatMap((m, i) =>
		Array.from({ length: 16 }, (_, position) => ({
			meetingId: m.id,
			caseId: ids[(i * 16 + position) % ids.length]!,
			position
		}))
	);
	for (let i = 0; i < agenda.length; i += 1000)
		await db.insert(agendaItems).values(agenda.slice(i, i + 1000));
	phase('meetings and agendas');
	const actionRows = ids.flatMap((caseId, i) =>
		Array.from({ length: 3 }, (_, k) => {
			const agency = areaAgencies[(i + k) % areaAgencies.length]!;
			return {
				docName: `case:${caseId}:agency:${agency.id}`,
				actionId: `a${k}`,
				caseId,
				agencyId: agency.id,
				text: 'Bench action',
				dueOn: new Date(now.getTime() + (rand() - 0.7) * 120 * DAY).toISOString().slice(0, 10),
				status: pick(['open', 'in_progress', 'done', 'done', 'not_possible'] as const)
			};
		})
	);
	for (let i = 0; i < actionRows.length; i += 1000)
		await db.insert(actions).values(actionRows.slice(i, i + 1000));
	phase('actions');
	await db.insert(caseExclusions).values(
		ids.slice(0, 100).map((caseId) => ({
			caseId,
			agencyId: police.id,
			reason: 'Bench exclusion',
			createdBy: coordinator!.id
		}))
	);
	phase('exclusions');
	return { meetingId: meetingRows[0]!.id };
}

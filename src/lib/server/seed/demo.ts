import { and, count, eq, inArray } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Database } from '../db/index.ts';
import {
	agencies,
	agendaItems,
	areas,
	cases,
	docSnapshots,
	meetings,
	memberships,
	settings,
	users,
	type Role,
	type Sector
} from '../db/schema/index.ts';
import { hashPassword } from '../auth/password.ts';
import { projectorFor } from '../documents/projections.ts';
import { addAction, type ActionStatus } from '../../documents/shapes.ts';
import { documentName } from '../../documents/names.ts';
import { normaliseName } from '../cases/names.ts';

/** Printed at start and listed in the README; only ever used on the fictional Demo Area. */
export const DEMO_PASSWORD = 'demo-marac-portal-2026';
export const DEMO_DOMAIN = 'demo.example';
export const DEMO_SETTING = 'demo_data';

const AGENCIES: Record<Sector, string> = {
	police: 'Demo Constabulary',
	health: 'Demo General Hospital',
	mental_health: 'Demo Mental Health Trust',
	children_services: "Demo Council Children's Services",
	adult_services: 'Demo Council Adult Social Care',
	housing: 'Demo Homes',
	probation: 'Demo Probation Delivery Unit',
	education: 'Demo Schools Safeguarding Team',
	idva: 'Demo IDVA Service',
	third_sector: 'Demo Anti-Trafficking Support',
	substance_misuse: 'Demo Recovery Service',
	other: 'Demo MARAC Coordination'
};

interface DemoAccount {
	email: string;
	name: string;
	role: Role | 'admin';
	sector?: Sector;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
	{ email: 'coordinator', name: 'Casey Coordinator', role: 'coordinator', sector: 'other' },
	{ email: 'chair', name: 'DI Charlie Chair', role: 'chair', sector: 'police' },
	{ email: 'observer', name: 'Olu Observer', role: 'observer', sector: 'other' },
	{ email: 'admin', name: 'Ash Administrator', role: 'admin' },
	{ email: 'police', name: 'PC Priya Police', role: 'agency_rep', sector: 'police' },
	{ email: 'health', name: 'Hana Health', role: 'agency_rep', sector: 'health' },
	{
		email: 'mental-health',
		name: 'Max Mental-Health',
		role: 'agency_rep',
		sector: 'mental_health'
	},
	{
		email: 'children-services',
		name: 'Chris Children-Services',
		role: 'agency_rep',
		sector: 'children_services'
	},
	{
		email: 'adult-services',
		name: 'Ade Adult-Services',
		role: 'agency_rep',
		sector: 'adult_services'
	},
	{ email: 'housing', name: 'Hollis Housing', role: 'agency_rep', sector: 'housing' },
	{ email: 'probation', name: 'Pat Probation', role: 'agency_rep', sector: 'probation' },
	{ email: 'education', name: 'Eden Education', role: 'agency_rep', sector: 'education' },
	{ email: 'idva', name: 'Indira IDVA', role: 'agency_rep', sector: 'idva' },
	{ email: 'third-sector', name: 'Tomas Third-Sector', role: 'agency_rep', sector: 'third_sector' }
].map((a) => ({ ...a, email: `${a.email}@${DEMO_DOMAIN}` }) as DemoAccount);

export async function isEmpty(db: Database): Promise<boolean> {
	const [row] = await db.select({ n: count() }).from(users);
	return (row?.n ?? 0) === 0;
}

/** Seeds the fictional Demo Area in one transaction. Every name and detail is invented. */
export async function seedDemo(db: Database, now = new Date()): Promise<void> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const day = 24 * 3_600_000;
	await db.transaction(async (tx) => {
		const [area] = await tx
			.insert(areas)
			.values({
				name: 'Demo Area',
				adultFemalePopulation: 120_000,
				confidentialityStatement:
					'Information shared at this MARAC is confidential. It is shared only to keep people at risk safe, ' +
					'may not be passed on without the agreement of the agency that shared it, and must be stored securely.'
			})
			.returning();
		const agencyRows = await tx
			.insert(agencies)
			.values(
				Object.entries(AGENCIES).map(([sector, name]) => ({
					areaId: area!.id,
					name,
					sector: sector as Sector
				}))
			)
			.returning();
		const agencyBySector = new Map(agencyRows.map((a) => [a.sector, a]));
		const userRows = await tx
			.insert(users)
			.values(
				DEMO_ACCOUNTS.map((a) => ({
					email: a.email,
					name: a.name,
					passwordHash,
					isAdmin: a.role === 'admin'
				}))
			)
			.returning();
		const userByEmail = new Map(userRows.map((u) => [u.email, u]));
		await tx.insert(memberships).values(
			DEMO_ACCOUNTS.filter((a) => a.role !== 'admin').map((a) => ({
				userId: userByEmail.get(a.email)!.id,
				areaId: area!.id,
				agencyId: agencyBySector.get(a.sector!)!.id,
				role: a.role as Role
			}))
		);
		const agency = (s: Sector) => agencyBySector.get(s)!.id;
		const ago = (days: number) => new Date(now.getTime() - days * day);
		const demoCases = [
			{
				ref: 'DEMO-0001',
				kind: 'domestic_abuse',
				name: 'Alex Fictional',
				dob: '1991-04-12',
				by: 'police',
				dash: 17,
				children: 2,
				status: 'listed',
				days: 10
			},
			{
				ref: 'DEMO-0002',
				kind: 'domestic_abuse',
				name: 'Bea Madeup',
				dob: '1985-09-30',
				by: 'idva',
				dash: 15,
				children: 0,
				status: 'listed',
				days: 8
			},
			{
				ref: 'DEMO-0003',
				kind: 'domestic_abuse',
				name: 'Cam Invented',
				dob: '2008-02-02',
				by: 'education',
				dash: 11,
				children: 0,
				status: 'listed',
				days: 6,
				judgement: true
			},
			{
				ref: 'DEMO-0004',
				kind: 'domestic_abuse',
				name: 'Dee Pretend',
				dob: '1979-12-05',
				by: 'health',
				dash: 14,
				children: 3,
				status: 'open',
				days: 40
			},
			{
				ref: 'DEMO-0005',
				kind: 'domestic_abuse',
				name: 'Eli Notreal',
				dob: '1996-07-21',
				by: 'housing',
				dash: 16,
				children: 1,
				status: 'closed',
				days: 300
			},
			{
				ref: 'DEMO-0006',
				kind: 'domestic_abuse',
				name: 'Eli Notreal',
				dob: '1996-07-21',
				by: 'police',
				dash: 18,
				children: 1,
				status: 'listed',
				days: 4,
				repeatOf: 'DEMO-0005'
			},
			{
				ref: 'DEMO-0007',
				kind: 'human_trafficking',
				name: 'Fana Sample',
				dob: '1999-03-03',
				by: 'third_sector',
				dash: null,
				children: 0,
				status: 'listed',
				days: 12,
				language: 'Tigrinya'
			},
			{
				ref: 'DEMO-0008',
				kind: 'human_trafficking',
				name: 'Giang Example',
				dob: '2001-11-11',
				by: 'police',
				dash: null,
				children: 0,
				status: 'listed',
				days: 9,
				language: 'Vietnamese'
			},
			{
				ref: 'DEMO-0009',
				kind: 'human_trafficking',
				name: 'Hysen Placeholder',
				dob: '1994-05-17',
				by: 'health',
				dash: null,
				children: 1,
				status: 'open',
				days: 60,
				language: 'Albanian'
			}
		] as const;
		const caseIds = new Map<string, string>();
		for (const c of demoCases) {
			const [row] = await tx
				.insert(cases)
				.values({
					areaId: area!.id,
					reference: c.ref,
					kind: c.kind,
					status: c.status,
					victimName: c.name,
					victimNameKey: normaliseName(c.name),
					victimDob: c.dob,
					referringAgencyId: agency(c.by),
					referredAt: ago(c.days),
					dashScore: c.dash,
					professionalJudgement: 'judgement' in c,
					childrenInHousehold: c.children,
					interpreterLanguage: 'language' in c ? c.language : null,
					repeatOfCaseId: 'repeatOf' in c ? caseIds.get(c.repeatOf)! : null,
					repeatConfirmed: 'repeatOf' in c ? true : null,
					closedAt: c.status === 'closed' ? ago(c.days - 30) : null
				})
				.returning({ id: cases.id });
			caseIds.set(c.ref, row!.id);
		}
		const nextMeetingAt = new Date(now.getTime() + 7 * day);
		nextMeetingAt.setUTCHours(9, 30, 0, 0);
		const [meeting] = await tx
			.insert(meetings)
			.values({
				areaId: area!.id,
				scheduledAt: nextMeetingAt,
				venue: 'Online (secure video)',
				online: true,
				chairUserId: userByEmail.get(`chair@${DEMO_DOMAIN}`)!.id
			})
			.returning();
		// Cases with children in the household are heard first.
		const listed = demoCases
			.filter((c) => c.status === 'listed')
			.sort((a, b) => Number(b.children > 0) - Number(a.children > 0));
		await tx.insert(agendaItems).values(
			listed.map((c, position) => ({
				meetingId: meeting!.id,
				caseId: caseIds.get(c.ref)!,
				position
			}))
		);
		await tx.insert(settings).values({ key: DEMO_SETTING, value: true });
	});
	await seedDemoActions(db, now);
}

/**
 * Actions agreed at an earlier meeting for the cases already heard (some overdue, one done), so
 * "My agency" and the action tracker have something to show. Written through the document shapes
 * into the agency documents, then projected like any edit.
 */
async function seedDemoActions(db: Database, now: Date): Promise<void> {
	const day = 24 * 3_600_000;
	const on = (days: number) => new Date(now.getTime() + days * day).toISOString().slice(0, 10);
	const agreedAt = new Date(now.getTime() - 21 * day).toISOString();
	const plan: { ref: string; sector: Sector; text: string; due: number; status: ActionStatus }[] = [
		{
			ref: 'DEMO-0004',
			sector: 'police',
			text: 'Flag the address for an urgent response to any call, and tell the victim it is in place.',
			due: -10,
			status: 'open'
		},
		{
			ref: 'DEMO-0004',
			sector: 'police',
			text: 'Check the perpetrator’s bail conditions and report any breach to the officer in charge.',
			due: 5,
			status: 'in_progress'
		},
		{
			ref: 'DEMO-0004',
			sector: 'housing',
			text: 'Fit a door alarm and window locks (sanctuary scheme) within two weeks.',
			due: -3,
			status: 'open'
		},
		{
			ref: 'DEMO-0004',
			sector: 'health',
			text: 'GP to add a safeguarding flag and see the victim alone at the next appointment.',
			due: -7,
			status: 'done'
		},
		{
			ref: 'DEMO-0009',
			sector: 'police',
			text: 'Arrange a female Albanian interpreter for the next interview; never use a companion.',
			due: 7,
			status: 'open'
		},
		{
			ref: 'DEMO-0009',
			sector: 'health',
			text: 'Register with a GP and chase the mental-health referral made last month.',
			due: 3,
			status: 'open'
		},
		{
			ref: 'DEMO-0009',
			sector: 'third_sector',
			text: 'Support worker to book appointments directly with the person, not through a third party.',
			due: 14,
			status: 'in_progress'
		}
	];
	const [area] = await db.select({ id: areas.id }).from(areas).where(eq(areas.name, 'Demo Area'));
	const caseRows = await db
		.select({ id: cases.id, reference: cases.reference })
		.from(cases)
		.where(
			and(
				eq(cases.areaId, area!.id),
				inArray(cases.reference, [...new Set(plan.map((a) => a.ref))])
			)
		);
	const agencyRows = await db
		.select({ id: agencies.id, sector: agencies.sector })
		.from(agencies)
		.where(eq(agencies.areaId, area!.id));
	const [coordinator] = await db
		.select({ id: users.id })
		.from(users)
		.where(eq(users.email, `coordinator@${DEMO_DOMAIN}`));
	const caseId = new Map(caseRows.map((c) => [c.reference, c.id]));
	const agencyId = new Map(agencyRows.map((a) => [a.sector, a.id]));
	const docs = new Map<string, Y.Doc>();
	plan.forEach((a, i) => {
		const name = documentName({
			kind: 'agency',
			caseId: caseId.get(a.ref)!,
			agencyId: agencyId.get(a.sector)!
		});
		let doc = docs.get(name);
		if (!doc) docs.set(name, (doc = new Y.Doc()));
		addAction(doc, {
			id: `demo-action-${i + 1}`,
			text: a.text,
			dueOn: on(a.due),
			status: a.status,
			createdAt: agreedAt,
			createdBy: coordinator?.id ?? null
		});
	});
	for (const [name, doc] of docs) {
		await db.insert(docSnapshots).values({ docName: name, state: Y.encodeStateAsUpdate(doc) });
		const projector = projectorFor(name);
		if (projector) await projector.project(db, projector.ref, name, doc);
		doc.destroy();
	}
}

export async function demoInUse(db: Database): Promise<boolean> {
	const rows = await db.select().from(settings);
	return rows.some((r) => r.key === DEMO_SETTING && r.value === true);
}

/**
 * Administrators manage people and agencies, never case content (DESIGN §5, §7). Signed in as the
 * demo administrator, every page and endpoint under src/routes is fetched, with real ids for its
 * parameters, and no case reference or victim name may appear in any response.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DEMO_PASSWORD, seedDemo } from '../../src/lib/server/seed/demo.ts';
import { agencies, areas, cases, meetings, users } from '../../src/lib/server/db/schema/index.ts';
import { testDatabases } from '../helpers/db.ts';
import {
	Client,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const ROUTES_DIR = new URL('../../src/routes', import.meta.url).pathname;
const ROUTE_FILES = /^\+(page\.svelte|page\.server\.ts|page\.ts|server\.ts)$/;

/** Route ids (e.g. `/admin/users/[id]`) of every page and endpoint in the source tree. */
function routeIds(dir = ROUTES_DIR): { id: string; page: boolean; endpoint: boolean }[] {
	const entries = readdirSync(dir, { withFileTypes: true });
	const files = entries.filter((e) => e.isFile()).map((e) => e.name);
	const found = [];
	if (files.some((f) => ROUTE_FILES.test(f))) {
		const id = `/${relative(ROUTES_DIR, dir).split(sep).join('/')}`.replace(/\/$/, '') || '/';
		found.push({
			id: id === '' ? '/' : id,
			page: files.some((f) => f.startsWith('+page.')),
			endpoint: files.includes('+server.ts')
		});
	}
	for (const e of entries) if (e.isDirectory()) found.push(...routeIds(join(dir, e.name)));
	return found;
}

interface Ids {
	cases: string[];
	areas: string[];
	users: string[];
	agencies: string[];
	meetings: string[];
}

/** Values to try for a route parameter, chosen by its name or the segment before it. */
function candidates(param: string, previous: string, ids: Ids): string[] {
	const name = `${param} ${previous}`.toLowerCase();
	if (/token/.test(name))
		return ['aaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];
	if (/doc/.test(name)) return ids.cases.map((id) => `case:${id}:plan`);
	if (/case/.test(param.toLowerCase())) return ids.cases;
	if (/area/.test(param.toLowerCase())) return ids.areas;
	if (/user|person|member/.test(param.toLowerCase())) return ids.users;
	if (/agenc/.test(param.toLowerCase())) return ids.agencies;
	if (/meeting/.test(param.toLowerCase())) return ids.meetings;
	if (/case/.test(previous)) return ids.cases;
	if (/area/.test(previous)) return ids.areas;
	if (/user|people|member/.test(previous)) return ids.users;
	if (/agenc/.test(previous)) return ids.agencies;
	if (/meeting/.test(previous)) return ids.meetings;
	return [...ids.cases, ...ids.areas, ...ids.users, ...ids.agencies, ...ids.meetings];
}

/** Concrete paths for a route id: groups dropped, each parameter replaced by each candidate. */
function pathsFor(routeId: string, ids: Ids): string[] {
	let paths = [''];
	const segments = routeId.split('/').filter(Boolean);
	segments.forEach((segment, i) => {
		if (/^\(.*\)$/.test(segment)) return;
		const param = /^\[{1,2}(?:\.\.\.)?([^\]=]+)(?:=[^\]]+)?\]{1,2}$/.exec(segment);
		if (!param) {
			paths = paths.map((p) => `${p}/${segment}`);
			return;
		}
		const values = candidates(param[1]!, segments[i - 1] ?? '', ids);
		const optional = segment.startsWith('[[');
		paths = paths.flatMap((p) => [
			...(optional ? [p] : []),
			...values.map((v) => `${p}/${encodeURIComponent(v).replace(/%3A/g, ':')}`)
		]);
	});
	return paths.map((p) => p || '/');
}

describe.each(testDatabases())('administrators and case content on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	let admin: Client;
	let secrets: string[] = [];
	const ids: Ids = { cases: [], areas: [], users: [], agencies: [], meetings: [] };

	/** Case references and victim names found in a response body. */
	const leaks = (body: string) => {
		const lower = body.toLowerCase();
		return secrets.filter((s) => lower.includes(s.toLowerCase()));
	};

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				await seedDemo(db);
				const rows = await db.select().from(cases);
				secrets = [...new Set(rows.flatMap((c) => [c.reference, c.victimName]))];
				const byRef = (ref: string) => rows.find((c) => c.reference === ref)!.id;
				ids.cases = [byRef('DEMO-0001'), byRef('DEMO-0007')];
				ids.areas = (await db.select({ id: areas.id }).from(areas)).map((a) => a.id);
				ids.agencies = (await db.select({ id: agencies.id }).from(agencies))
					.slice(0, 2)
					.map((a) => a.id);
				ids.meetings = (await db.select({ id: meetings.id }).from(meetings)).map((m) => m.id);
				const [adminRow] = await db
					.select()
					.from(users)
					.where(eq(users.email, 'admin@demo.example'));
				const [coordinator] = await db
					.select()
					.from(users)
					.where(eq(users.email, 'coordinator@demo.example'));
				ids.users = [adminRow!.id, coordinator!.id];
			}
		});
		admin = new Client(server);
		const response = await admin.signIn('admin@demo.example', DEMO_PASSWORD);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('seeds the case data the other tests look for', () => {
		expect(secrets).toContain('DEMO-0001');
		expect(secrets).toContain('Alex Fictional');
		expect(secrets.length).toBeGreaterThanOrEqual(10);
	});

	it('shows a coordinator the demo cases (so the leak check can fail)', async () => {
		const coordinator = new Client(server);
		expect((await coordinator.signIn('coordinator@demo.example', DEMO_PASSWORD)).status).toBe(303);
		const response = await coordinator.getJson('/api/cases');
		expect(response.status).toBe(200);
		const body = await response.text();
		expect(body).toContain('DEMO-0001');
		expect(leaks(body)).toContain('DEMO-0001');
	});

	it('gives the administrator an empty case list', async () => {
		const response = await admin.getJson('/api/cases');
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual([]);
	});

	it('shows no case reference or victim name on any route', async () => {
		const routes = routeIds();
		expect(routes.map((r) => r.id)).toEqual(expect.arrayContaining(['/', '/api/cases', '/login']));
		const visited: { url: string; status: number }[] = [];
		const found: string[] = [];

		async function visit(path: string, accept: string) {
			let url = path;
			for (let hop = 0; hop < 5; hop++) {
				const response = await admin.request(url, { headers: { accept } });
				const body = await response.text();
				visited.push({ url, status: response.status });
				const hits = leaks(`${body}\n${[...response.headers].join('\n')}`);
				if (hits.length) found.push(`${url} (${response.status}): ${hits.join(', ')}`);
				const location = response.headers.get('location');
				if (response.status < 300 || response.status >= 400 || !location) return;
				const next = new URL(location, server.origin);
				if (next.origin !== server.origin) return;
				url = `${next.pathname}${next.search}`;
			}
		}

		for (const route of routes) {
			for (const path of pathsFor(route.id, ids)) {
				await visit(path, 'text/html');
				await visit(path, 'application/json');
				if (route.page) await visit(`${path === '/' ? '' : path}/__data.json`, '*/*');
			}
		}

		expect(found).toEqual([]);
		// The walk really ran signed in as the administrator: the dashboard and the admin pages answered.
		const statusOf = (url: string) => visited.find((v) => v.url === url)?.status;
		const serverLog = () => server.output().slice(-4_000);
		expect(statusOf('/'), serverLog()).toBe(200);
		expect(visited.length).toBeGreaterThan(routes.length * 2);
		if (routes.some((r) => r.id === '/admin')) expect(statusOf('/admin'), serverLog()).toBe(200);
		expect((await admin.getJson('/api/session/status')).status).toBe(200);
	}, 120_000);
});

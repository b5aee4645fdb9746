/**
 * Administration over HTTP, through the production server: every /admin page and form action
 * refuses anyone who is not an administrator, and an administrator's create-user, disable and
 * reset-second-factor actions work end to end (the invitation link, the ended sessions).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { newTotpKey, totpCodeAt } from '../../src/lib/server/auth/totp.ts';
import { users } from '../../src/lib/server/db/schema/index.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, createArea, createMember, createUser } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	signedInClient,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const ADMIN_DIR = new URL('../../src/routes/admin', import.meta.url).pathname;

interface AdminRoute {
	/** e.g. /admin/users/[id] */
	id: string;
	actions: string[];
}

/** Every page under /admin and the form actions its +page.server.ts declares. */
function adminRoutes(): AdminRoute[] {
	const found: AdminRoute[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (entry.isDirectory()) walk(join(dir, entry.name));
			else if (entry.name === '+page.server.ts') {
				const source = readFileSync(join(dir, entry.name), 'utf8');
				const block = source.split(/export const actions\b/)[1] ?? '';
				const actions = [...block.matchAll(/^\t(\w+): async/gm)].map((m) => m[1]!);
				const id = `/admin/${relative(ADMIN_DIR, dir).split(sep).join('/')}`.replace(/\/$/, '');
				found.push({ id, actions });
			}
		}
	};
	walk(ADMIN_DIR);
	return found;
}

/** A POST to a form action: the default one at the page, a named one at `?/name`. */
const actionPath = (path: string, action: string) =>
	action === 'default' ? path : `${path}?/${action}`;

describe.each(testDatabases())('administration over HTTP on $name', (backend) => {
	let server: TestServer;
	printServerLogOnFailure(() => [server]);
	const ids: Record<string, string> = {};
	const key = newTotpKey();
	const emails = {
		admin: 'admin@test.example',
		coordinator: 'coordinator@test.example',
		rep: 'rep@test.example',
		target: 'target@test.example',
		victim: 'to-disable@test.example'
	};

	beforeAll(async () => {
		server = await startServer({
			backend,
			mfaPolicy: 'optional',
			seed: async (db) => {
				ids.admin = (await createUser(db, { email: emails.admin, isAdmin: true })).id;
				const member = await createMember(db, { email: emails.coordinator, role: 'coordinator' });
				ids.coordinator = member.user.id;
				ids.area = member.area.id;
				ids.rep = (await createMember(db, { email: emails.rep })).user.id;
				ids.target = (await createMember(db, { email: emails.target, totpKey: key })).user.id;
				ids.victim = (await createMember(db, { email: emails.victim })).user.id;
				ids.otherArea = (await createArea(db)).id;
			}
		});
	});
	afterAll(async () => {
		await server?.dispose();
	});

	/** The concrete URL of a route: [id] is a real user's or area's id, so the guard decides. */
	function pathOf(routeId: string): string {
		return routeId
			.replace('/admin/users/[id]', `/admin/users/${ids.target}`)
			.replace('/admin/areas/[id]', `/admin/areas/${ids.area}`);
	}

	it('finds the admin pages and their actions (so the checks below cover something)', () => {
		const routes = adminRoutes();
		expect(routes.map((r) => r.id).sort()).toEqual(
			expect.arrayContaining(['/admin', '/admin/areas', '/admin/users', '/admin/users/[id]'])
		);
		expect(routes.flatMap((r) => r.actions)).toEqual(
			expect.arrayContaining(['default', 'disable', 'resetSecondFactor', 'clearLock'])
		);
		for (const route of routes) expect(pathOf(route.id)).not.toContain('[');
	});

	it('refuses every admin page and form action to people who are not administrators', async () => {
		const routes = adminRoutes();
		for (const email of [emails.coordinator, emails.rep]) {
			const client = await signedInClient(server, email);
			for (const route of routes) {
				const path = pathOf(route.id);
				const page = await client.get(path);
				expect(page.status, `${email} GET ${path}`).toBe(403);
				expect(pageText(await page.text())).toContain('Only administrators can open this page.');
				const data = await client.get(`${path}/__data.json`, { headers: { accept: '*/*' } });
				const body = await data.text();
				expect(body, `${email} GET ${path}/__data.json`).toContain('"status":403');
				expect(body).not.toContain(emails.admin);

				for (const action of route.actions) {
					// Fields an administrator would send, confirmations ticked: only the guard stops it.
					const response = await client.postForm(actionPath(path, action), {
						email: `created-by-${action}@test.example`,
						name: 'Should Not Exist',
						confirmDisable: 'yes',
						confirmReset: 'yes',
						isAdmin: 'yes'
					});
					expect(response.status, `${email} POST ${actionPath(path, action)}`).toBe(403);
				}
			}
			// Still signed in as themselves, with nothing changed.
			expect((await client.getJson('/api/cases')).status).toBe(200);
		}

		// Signed out: every page and action sends the browser to sign in.
		const anonymous = new Client(server);
		for (const route of routes) {
			const path = pathOf(route.id);
			const page = await anonymous.get(path);
			expect(page.status, `GET ${path}`).toBe(303);
			expect(page.headers.get('location')).toBe('/login');
			for (const action of route.actions) {
				const response = await anonymous.postForm(actionPath(path, action), {
					confirmDisable: 'yes'
				});
				expect([303, 403], `POST ${actionPath(path, action)}`).toContain(response.status);
			}
		}

		await server.withDatabase(async (db) => {
			const all = await db.select().from(users);
			expect(all.filter((u) => u.email.startsWith('created-by-'))).toEqual([]);
			expect(all.filter((u) => u.disabledAt !== null)).toEqual([]);
			const target = all.find((u) => u.id === ids.target);
			expect(target?.totpEnabledAt).not.toBeNull();
			expect(all.filter((u) => u.isAdmin).map((u) => u.email)).toEqual([emails.admin]);
		});
	}, 60_000);

	it('lets an administrator create a user, who then chooses a password through the link', async () => {
		const admin = await signedInClient(server, emails.admin);
		const created = await admin.postForm('/admin/users', {
			email: 'New.Person@Agency.Example',
			name: 'Nadia Person'
		});
		expect(created.status).toBe(200);
		const html = await created.text();
		const link = /https?:\/\/[^"'\s<]+\/invite\/([a-z2-7]+\.[a-z2-7]+)/.exec(html);
		expect(link, pageText(html)).not.toBeNull();
		const invitePath = `/invite/${link![1]}`;

		const listed = await admin.get('/admin/users?q=nadia');
		expect(pageText(await listed.text())).toContain('new.person@agency.example');

		const newcomer = new Client(server);
		expect((await newcomer.get(invitePath)).status).toBe(200);
		const weak = await newcomer.postForm(invitePath, {
			password: 'Password123!',
			confirm: 'Password123!'
		});
		expect(weak.status).toBe(400);
		expect(pageText(await weak.text())).toContain('too easy to guess');
		const ownName = await newcomer.postForm(invitePath, {
			password: 'nadia-person-2026',
			confirm: 'nadia-person-2026'
		});
		expect(ownName.status).toBe(400);
		expect(pageText(await ownName.text())).toContain('your name, your e-mail address');

		const chosen = 'tigrinya-interpreter-booked-7';
		const set = await newcomer.postForm(invitePath, { password: chosen, confirm: chosen });
		expect(set.status).toBe(303);
		expect(set.headers.get('location')).toBe('/login?password-set');
		const signIn = await newcomer.signIn('new.person@agency.example', chosen);
		expect(signIn.status).toBe(303);
		// The link was single use.
		expect(pageText(await (await new Client(server).get(invitePath)).text())).toContain(
			'This link cannot be used'
		);
	});

	it('lets an administrator disable a user: their open session is signed out at once', async () => {
		const victim = await signedInClient(server, emails.victim);
		expect((await victim.getJson('/api/cases')).status).toBe(200);
		const admin = await signedInClient(server, emails.admin);
		const path = `/admin/users/${ids.victim}`;

		const unconfirmed = await admin.postForm(`${path}?/disable`, {});
		expect(unconfirmed.status).toBe(400);
		expect((await victim.getJson('/api/cases')).status).toBe(200);

		const disabled = await admin.postForm(`${path}?/disable`, { confirmDisable: 'yes' });
		expect(disabled.status).toBe(200);
		expect(pageText(await disabled.text())).toContain(
			'The account has been disabled. 1 signed-in session was ended.'
		);

		expect((await victim.getJson('/api/cases')).status).toBe(401);
		const home = await victim.get('/');
		expect(home.status).toBe(303);
		expect(home.headers.get('location')).toBe('/login');
		expect((await victim.signIn(emails.victim, TEST_PASSWORD)).status).toBe(400);
	});

	it('lets an administrator reset a second factor: sessions end and sign-in no longer asks for it', async () => {
		const target = new Client(server);
		const first = await target.signIn(emails.target, TEST_PASSWORD);
		expect(first.headers.get('location')).toBe('/login/mfa');
		const verified = await target.postForm('/login/mfa', { code: totpCodeAt(key, new Date()) });
		expect(verified.status).toBe(303);
		expect((await target.getJson('/api/cases')).status).toBe(200);

		const admin = await signedInClient(server, emails.admin);
		const reset = await admin.postForm(`/admin/users/${ids.target}?/resetSecondFactor`, {
			confirmReset: 'yes'
		});
		expect(reset.status).toBe(200);
		expect(pageText(await reset.text())).toContain('Their second factor has been removed');

		expect((await target.getJson('/api/cases')).status).toBe(401);
		const again = await new Client(server).signIn(emails.target, TEST_PASSWORD);
		expect(again.status).toBe(303);
		expect(again.headers.get('location')).toBe('/');
		await server.withDatabase(async (db) => {
			const [row] = await db.select().from(users).where(eq(users.id, ids.target!));
			expect(row).toMatchObject({ totpKey: null, totpEnabledAt: null });
		});
	});
});

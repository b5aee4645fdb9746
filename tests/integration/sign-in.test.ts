/**
 * Sign-in through the real production server (built app, `node server/index.ts`), on PGlite and,
 * when DATABASE_URL is set, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTotpKey, totpCodeAt } from '../../src/lib/server/auth/totp.ts';
import { testDatabases } from '../helpers/db.ts';
import { TEST_PASSWORD, addMembership, createMember, createUser } from '../helpers/fixtures.ts';
import {
	Client,
	pageText,
	printServerLogOnFailure,
	startServer,
	type TestServer
} from '../helpers/server.ts';

const GENERIC = 'The e-mail address or password is not right, or the account cannot sign in.';

function parseCsp(header: string | null): Record<string, string[]> {
	expect(header, 'Content-Security-Policy header').toBeTruthy();
	return Object.fromEntries(
		header!
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...values]) => [name!.toLowerCase(), values])
	);
}

/** The `session` cookie a response sets, with its attributes. */
function sessionCookie(response: Response) {
	const line = response.headers.getSetCookie().find((c) => /^session=/.test(c));
	if (!line) return null;
	const [pair, ...attrs] = line.split(';').map((s) => s.trim());
	return { token: pair!.slice('session='.length), attrs: attrs.map((a) => a.toLowerCase()), line };
}

/** Signs a client in with the password only and checks the redirect. */
async function signInExpecting(client: Client, email: string, location: string) {
	const response = await client.signIn(email, TEST_PASSWORD);
	expect(response.status, pageText(await response.clone().text())).toBe(303);
	expect(response.headers.get('location')).toBe(location);
	return response;
}

describe.each(testDatabases())('sign-in through the production server on $name', (backend) => {
	describe('with the second factor optional', () => {
		let server: TestServer;
		printServerLogOnFailure(() => [server]);
		const email = 'robin.rep@test.example';

		beforeAll(async () => {
			server = await startServer({
				backend,
				mfaPolicy: 'optional',
				seed: async (db) => {
					await createMember(db, {
						email,
						name: 'Robin Rep',
						role: 'agency_rep',
						sector: 'housing',
						areaName: 'Northshire MARAC',
						agencyName: 'Northshire Homes'
					});
				}
			});
		});
		afterAll(async () => {
			await server?.dispose();
		});

		it('answers /healthz with {"ok":true}', async () => {
			const response = await new Client(server).getJson('/healthz');
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ ok: true });
		});

		it('serves /login with a nonce-based CSP and protective headers', async () => {
			const client = new Client(server);
			const response = await client.get('/login');
			expect(response.status).toBe(200);
			const csp = parseCsp(response.headers.get('content-security-policy'));
			const scriptSrc = csp['script-src'] ?? [];
			const nonces = scriptSrc.filter((s) => /^'nonce-[A-Za-z0-9+/=_-]{16,}'$/.test(s));
			expect(nonces).toHaveLength(1);
			expect(scriptSrc).not.toContain("'unsafe-inline'");
			expect(scriptSrc).not.toContain("'unsafe-eval'");
			expect(csp['frame-ancestors']).toEqual(["'none'"]);
			expect(csp['object-src']).toEqual(["'none'"]);
			expect(csp['default-src']).toEqual(["'self'"]);
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			// Either way, no other site is ever sent a referrer.
			expect(['no-referrer', 'same-origin']).toContain(response.headers.get('referrer-policy'));
			expect(response.headers.get('cache-control')).toBe('no-store');

			// Every inline script carries this response's nonce; the next response gets a new one.
			const nonce = nonces[0]!.slice("'nonce-".length, -1);
			const html = await response.text();
			const scripts = html.match(/<script\b[^>]*>/g) ?? [];
			expect(scripts.length).toBeGreaterThan(0);
			for (const tag of scripts) {
				if (!/\bsrc=/.test(tag)) expect(tag).toContain(`nonce="${nonce}"`);
			}
			const again = parseCsp((await client.get('/login')).headers.get('content-security-policy'));
			expect(again['script-src']).not.toContain(nonces[0]);
		});

		it('signs in with the right password: 303, a strict HttpOnly cookie, and the dashboard', async () => {
			const client = new Client(server);
			const response = await signInExpecting(client, email, '/');
			const cookie = sessionCookie(response);
			expect(cookie, response.headers.getSetCookie().join('\n')).not.toBeNull();
			expect(cookie!.token).toMatch(/^[a-z2-7]{16}\.[a-z2-7]{52}$/);
			expect(cookie!.attrs).toContain('httponly');
			expect(cookie!.attrs).toContain('samesite=strict');
			expect(cookie!.attrs).toContain('path=/');

			const home = await client.get('/');
			expect(home.status).toBe(200);
			expect(home.headers.get('cache-control')).toBe('no-store');
			const text = pageText(await home.text());
			expect(text).toContain('Dashboard');
			expect(text).toContain('Northshire MARAC');
			expect(text).toContain('Northshire Homes');
			expect(text).toContain('Agency representative');
			expect(text).toContain('Robin Rep');

			const cases = await client.getJson('/api/cases');
			expect(cases.status).toBe(200);
			expect(await cases.json()).toEqual([]);
		});

		it('gives a wrong password and an unknown account the same answer', async () => {
			const wrong = await new Client(server).signIn(email, 'not the right password');
			const unknown = await new Client(server).signIn(
				'nobody@test.example',
				'not the right password'
			);
			expect(wrong.status).toBe(400);
			expect(unknown.status).toBe(wrong.status);
			expect(wrong.headers.getSetCookie().filter((c) => c.startsWith('session='))).toEqual([]);
			expect(unknown.headers.getSetCookie().filter((c) => c.startsWith('session='))).toEqual([]);
			const wrongText = pageText(await wrong.text());
			const unknownText = pageText(await unknown.text());
			expect(wrongText).toContain(GENERIC);
			expect(unknownText).toContain(GENERIC);
			// Apart from the typed e-mail address, the two pages are identical.
			expect(wrongText.replaceAll(email, '<email>')).toBe(
				unknownText.replaceAll('nobody@test.example', '<email>')
			);
		});

		it('refuses a cross-origin POST even with a valid session cookie', async () => {
			const client = new Client(server);
			await signInExpecting(client, email, '/');
			const evil = 'http://evil.example';
			const logout = await client.request('/logout', { method: 'POST', origin: evil });
			expect(logout.status).toBe(403);
			const extend = await client.postJson('/api/session/extend', {}, { origin: evil });
			expect(extend.status).toBe(403);
			const login = await new Client(server).postForm(
				'/login',
				{ email, password: TEST_PASSWORD },
				{ origin: evil }
			);
			expect(login.status).toBe(403);
			expect(login.headers.getSetCookie()).toEqual([]);
			// The refused sign-out did not happen.
			expect((await client.getJson('/api/cases')).status).toBe(200);
		});

		it('refuses a JSON POST without an Origin header, and accepts it with ours', async () => {
			const client = new Client(server);
			await signInExpecting(client, email, '/');
			const bare = await client.postJson('/api/session/extend', {}, { origin: null });
			expect(bare.status).toBe(403);
			const same = await client.postJson('/api/session/extend', {});
			expect(same.status).toBe(200);
			const body = (await same.json()) as { idleExpiresAt: string; absoluteExpiresAt: string };
			expect(new Date(body.idleExpiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
		});

		it('signs out on the server: the old cookie stops working and the browser is told to forget', async () => {
			const client = new Client(server);
			await signInExpecting(client, email, '/');
			const oldCookie = client.cookieHeader();
			expect((await client.getJson('/api/cases')).status).toBe(200);

			const response = await client.request('/logout', { method: 'POST' });
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toBe('/login?signed-out');
			const clearSiteData = response.headers.get('clear-site-data') ?? '';
			expect(clearSiteData).toContain('"cookies"');
			expect(clearSiteData).toContain('"storage"');
			expect(client.cookies.has('session')).toBe(false);

			// Replaying the old cookie, as a thief who copied it would.
			const replay = await client.getJson('/api/cases', { cookie: oldCookie });
			expect(replay.status).toBe(401);
			const page = await client.get('/', { cookie: oldCookie });
			expect(page.status).toBe(303);
			expect(page.headers.get('location')).toBe('/login');
		});

		it('keeps everything but sign-in behind the session', async () => {
			const client = new Client(server);
			expect((await client.getJson('/api/cases')).status).toBe(401);
			const home = await client.get('/');
			expect(home.status).toBe(303);
			expect(home.headers.get('location')).toBe('/login');
		});
	});

	describe('with the second factor required', () => {
		let server: TestServer;
		printServerLogOnFailure(() => [server]);
		const enrolEmail = 'no-totp@test.example';
		const totpEmail = 'has-totp@test.example';
		const key = newTotpKey();

		beforeAll(async () => {
			server = await startServer({
				backend,
				mfaPolicy: 'required',
				seed: async (db) => {
					const { area, agency } = await createMember(db, {
						email: enrolEmail,
						role: 'chair',
						areaName: 'Southvale MARAC',
						agencyName: 'Southvale Police'
					});
					const user = await createUser(db, { email: totpEmail, name: 'Tess Totp', totpKey: key });
					await addMembership(db, {
						userId: user.id,
						areaId: area.id,
						agencyId: agency.id,
						role: 'coordinator'
					});
				}
			});
		});
		afterAll(async () => {
			await server?.dispose();
		});

		it('sends a user without a second factor to enrolment and keeps data out of reach', async () => {
			const client = new Client(server);
			await signInExpecting(client, enrolEmail, '/account/mfa/setup');
			expect(client.cookies.has('session')).toBe(true);
			const cases = await client.getJson('/api/cases');
			expect(cases.status).toBe(401);
			const home = await client.get('/');
			expect(home.status).toBe(303);
			expect(home.headers.get('location')).toBe('/account/mfa/setup');
		});

		it('asks a user with a second factor for a code before the dashboard, then rotates the session', async () => {
			const client = new Client(server);
			const first = await signInExpecting(client, totpEmail, '/login/mfa');
			const before = sessionCookie(first)!;
			expect(before).not.toBeNull();

			const home = await client.get('/');
			expect(home.status).toBe(303);
			expect(home.headers.get('location')).toBe('/login/mfa');
			expect((await client.getJson('/api/cases')).status).toBe(401);

			const code = totpCodeAt(key, new Date());
			const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
			const refused = await client.postForm('/login/mfa', { code: wrong });
			expect(refused.status).toBe(400);
			expect(pageText(await refused.text())).toContain('That code is not right');

			const verified = await client.postForm('/login/mfa', { code });
			expect(verified.status).toBe(303);
			expect(verified.headers.get('location')).toBe('/');
			const after = sessionCookie(verified);
			expect(after).not.toBeNull();
			expect(after!.attrs).toContain('httponly');
			expect(after!.token.split('.')[0]).not.toBe(before.token.split('.')[0]);

			const dashboard = await client.get('/');
			expect(dashboard.status).toBe(200);
			const text = pageText(await dashboard.text());
			expect(text).toContain('Southvale MARAC');
			expect(text).toContain('Coordinator');
			expect((await client.getJson('/api/cases')).status).toBe(200);

			// The pre-second-factor session is gone.
			const stale = await client.getJson('/api/cases', { cookie: `session=${before.token}` });
			expect(stale.status).toBe(401);

			// The same code cannot be used again, by anyone.
			const other = new Client(server);
			await signInExpecting(other, totpEmail, '/login/mfa');
			const replay = await other.postForm('/login/mfa', { code });
			expect(replay.status).toBe(400);
			expect(pageText(await replay.text())).toContain('already been used');
			expect((await other.get('/')).headers.get('location')).toBe('/login/mfa');
		});
	});
});

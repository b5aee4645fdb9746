import {
	DEMO_PASSWORD,
	GENERIC_SIGN_IN_ERROR,
	enrolTotp,
	expect,
	freshTotpCode,
	signIn,
	signOut,
	totpCode,
	test,
	watchPage
} from './fixtures.ts';
import { servers } from './servers.ts';

test('a wrong password and an unknown account get the same generic error', async ({
	page,
	context
}) => {
	const messages: string[] = [];
	for (const [email, password] of [
		['education@demo.example', 'not-the-password'],
		['nobody-here@demo.example', DEMO_PASSWORD]
	]) {
		await signIn(page, email!, password);
		const alert = page.getByRole('alert');
		await expect(alert).toContainText(GENERIC_SIGN_IN_ERROR);
		// The summary takes focus so that screen-reader users hear the error.
		await expect(alert).toBeFocused();
		await expect(page).toHaveURL(/\/login$/);
		await expect(page.getByLabel('E-mail address')).toHaveValue(email!);
		messages.push((await alert.innerText()).trim());
	}
	expect(messages[0]).toBe(messages[1]);
	expect((await context.cookies()).filter((c) => c.name.endsWith('session'))).toEqual([]);
});

test('pages holding data send a signed-out visitor to sign in', async ({ page }) => {
	for (const path of ['/', '/account', '/account/mfa/setup', '/login/mfa']) {
		await page.goto(path);
		await expect(page, path).toHaveURL(/\/login$/);
	}
	const api = await page.request.get('/api/cases');
	expect(api.status()).toBe(401);
});

test('the page watcher notices a Content-Security-Policy violation', async ({ context }) => {
	// Proves that the automatic CSP check in fixtures.ts can fail.
	const other = await context.newPage();
	const problems = await watchPage(other);
	await other.goto('/login');
	await other.evaluate(() => {
		const script = document.createElement('script');
		script.textContent = 'window.injected = true';
		document.head.append(script);
	});
	await expect.poll(() => problems.csp.length).toBeGreaterThan(0);
	expect(await other.evaluate(() => 'injected' in window)).toBe(false);
	await other.close();
});

test('enrol an authenticator, then sign in with a fresh code', async ({ page }) => {
	test.setTimeout(120_000);
	const email = 'mental-health@demo.example';
	await signIn(page, email);
	await expect(page).toHaveURL(/\/$/);

	await page.getByRole('link', { name: 'Your account' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
	await page.getByRole('link', { name: /set up an authenticator/i }).click();
	await expect(page).toHaveURL(/\/account\/mfa\/setup$/);

	const enrolled = await enrolTotp(page);
	expect(enrolled.recoveryCodes).toHaveLength(10);
	for (const code of enrolled.recoveryCodes)
		expect(code.trim()).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);

	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await signOut(page);

	await signIn(page, email);
	await expect(page).toHaveURL(/\/login\/mfa$/);
	// Nothing holding data is reachable before the second factor.
	await page.goto('/');
	await expect(page).toHaveURL(/\/login\/mfa$/);
	expect((await page.request.get('/api/cases')).status()).toBe(401);

	// The code used to confirm enrolment is spent.
	const codeField = page.getByLabel('Code', { exact: true });
	await codeField.fill(totpCode(enrolled.secret, enrolled.step));
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByRole('alert')).toContainText('already been used');
	await expect(page).toHaveURL(/\/login\/mfa$/);

	const fresh = await freshTotpCode(enrolled.secret, enrolled.step);
	await codeField.fill(fresh.code);
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await signOut(page);
	await page.goto('/');
	await expect(page).toHaveURL(/\/login$/);
});

test.describe('with MFA_POLICY=required', () => {
	test.use({ baseURL: servers.mfaRequired.url });

	test('a user without a second factor must enrol before reaching any data', async ({ page }) => {
		await signIn(page, 'police@demo.example');
		await expect(page).toHaveURL(/\/account\/mfa\/setup$/);
		await expect(page.getByText('Your MARAC requires a second factor.')).toBeVisible();
		for (const path of ['/', '/account']) {
			await page.goto(path);
			await expect(page, path).toHaveURL(/\/account\/mfa\/setup$/);
		}
		expect((await page.request.get('/api/cases')).status()).toBe(401);

		const enrolled = await enrolTotp(page);
		expect(enrolled.recoveryCodes).toHaveLength(10);
		await page.goto('/');
		await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
		await signOut(page);
	});
});

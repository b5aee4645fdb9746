/**
 * axe (WCAG 2.0-2.2 A and AA rules) on every page a person reaches. axe is injected as a script,
 * which the portal's CSP blocks, so these contexts bypass CSP; the other spec files do not.
 */
import {
	enrolTotp,
	expect,
	expectNoAxeViolations,
	signIn,
	signOut,
	test,
	totpCode
} from './fixtures.ts';

test.use({ bypassCSP: true });

test('sign-in page, plain and with an error', async ({ page }) => {
	await page.goto('/login');
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
	await expectNoAxeViolations(page, 'the sign-in page');

	await page.getByRole('button', { name: 'Sign in' }).click();
	// Empty fields: the browser's own validation (required) stops the post.
	await expect(page).toHaveURL(/\/login$/);

	await signIn(page, 'adult-services@demo.example', 'not-the-password');
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoAxeViolations(page, 'the sign-in page with an error');
});

test('signed-out notice', async ({ page }) => {
	await signIn(page, 'idva@demo.example');
	await expect(page).toHaveURL(/\/$/);
	await signOut(page);
	await expectNoAxeViolations(page, 'the sign-in page after signing out');
});

test('dashboard and account page', async ({ page }) => {
	await signIn(page, 'coordinator@demo.example');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await expectNoAxeViolations(page, 'the dashboard');

	await page.goto('/account');
	await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
	await expectNoAxeViolations(page, 'the account page');
});

test('a page that does not exist', async ({ page }) => {
	await signIn(page, 'observer@demo.example');
	const missing = await page.goto('/no-such-page');
	expect(missing?.status()).toBe(404);
	await expectNoAxeViolations(page, 'the not-found page');
});

test('authenticator setup, recovery codes and the second-factor page', async ({ page }) => {
	test.setTimeout(90_000);
	const email = 'probation@demo.example';
	await signIn(page, email);
	await page.goto('/account/mfa/setup');
	await expect(page.getByTestId('totp-secret')).toBeAttached();
	await expectNoAxeViolations(page, 'the authenticator setup page');

	// A wrong code shows the error state.
	await page.getByLabel('6-digit code').fill('12345');
	await page.getByRole('button', { name: 'Confirm' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoAxeViolations(page, 'the authenticator setup page with an error');

	const enrolled = await enrolTotp(page);
	await expectNoAxeViolations(page, 'the recovery codes');

	await page.goto('/account');
	await expectNoAxeViolations(page, 'the account page with an authenticator');
	await signOut(page);

	await signIn(page, email);
	await expect(page).toHaveURL(/\/login\/mfa$/);
	await expectNoAxeViolations(page, 'the second-factor page');

	await page.getByLabel('Code', { exact: true }).fill(totpCode(enrolled.secret, enrolled.step));
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectNoAxeViolations(page, 'the second-factor page with an error');
});

test.describe('administration', () => {
	test.beforeEach(async ({ page }) => {
		await signIn(page, 'admin@demo.example');
		await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	});

	test('dashboard for an administrator', async ({ page }) => {
		await expectNoAxeViolations(page, 'the administrator dashboard');
	});

	for (const path of ['/admin', '/admin/areas', '/admin/users']) {
		test(path, async ({ page }) => {
			const response = await page.goto(path);
			expect(response?.status(), `${path} exists`).toBe(200);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await expectNoAxeViolations(page, path);
		});
	}

	for (const [list, what] of [
		['/admin/areas', 'an area'],
		['/admin/users', 'a user']
	] as const) {
		test(`${what}'s detail page`, async ({ page }) => {
			const response = await page.goto(list);
			expect(response?.status(), `${list} exists`).toBe(200);
			const link = page.locator(`main a[href^="${list}/"]:not([href$="/new"])`).first();
			await expect(link).toBeVisible();
			await link.click();
			await expect(page).toHaveURL(new RegExp(`${list}/[^/]+$`));
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await expectNoAxeViolations(page, `${what}'s detail page`);
		});
	}
});

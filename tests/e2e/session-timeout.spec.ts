/**
 * The idle-timeout warning, against a server with SESSION_IDLE_MINUTES=3: the warning is due 2
 * minutes before expiry, i.e. 1 minute after the last activity. The page counts down from the
 * time left as the SERVER measures it (so a wrong browser clock cannot hide or fake the warning),
 * which means the test must let a real minute pass; moving only the browser clock is not enough.
 */
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures.ts';
import { servers } from './servers.ts';

test.use({ baseURL: servers.idle.url });

async function openWarning(page: Page, email: string) {
	await signIn(page, email);
	await expect(page).toHaveURL(/\/$/);
	await page.clock.install();
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	const dialog = page.getByRole('alertdialog', { name: 'You will be signed out soon' });
	await expect(dialog).toBeHidden();

	// Moving the browser clock alone: the server still reports 3 minutes left, so no warning.
	const early = page.waitForResponse('**/api/session/status');
	await page.clock.fastForward(61_000);
	expect((await early).status()).toBe(200);
	await page.waitForTimeout(500);
	await expect(dialog).toBeHidden();

	// A real minute later the server's time left is under 2 minutes: the warning opens.
	await expect(dialog).toBeVisible({ timeout: 90_000 });
	await expect(dialog).toContainText(/signed out in\s+1 minute \d+ seconds?/);
	return dialog;
}

test('the idle warning appears, "Stay signed in" extends the session, expiry signs out', async ({
	page
}) => {
	test.setTimeout(180_000);
	const dialog = await openWarning(page, 'housing@demo.example');
	// The dialog is modal and its main action has focus.
	const stay = dialog.getByRole('button', { name: 'Stay signed in' });
	await expect(stay).toBeFocused();

	const before = (await (await page.request.get('/api/session/status')).json()) as {
		idleExpiresAt: string;
	};
	// Back to real time: the server's new deadline is measured from now, not from the browser's
	// fast-forwarded clock.
	await page.clock.setSystemTime(new Date());
	const extended = page.waitForResponse(
		(r) => r.url().endsWith('/api/session/extend') && r.request().method() === 'POST'
	);
	await stay.click();
	expect((await extended).status()).toBe(200);
	await expect(dialog).toBeHidden();
	const after = (await (await page.request.get('/api/session/status')).json()) as {
		idleExpiresAt: string;
	};
	expect(Date.parse(after.idleExpiresAt)).toBeGreaterThan(Date.parse(before.idleExpiresAt));

	// The session ends on the server (as at expiry); the next check sends the browser to sign in.
	const url = new URL(servers.idle.url);
	const ended = await page.request.post('/logout', {
		headers: { origin: url.origin },
		maxRedirects: 0
	});
	expect(ended.status()).toBe(303);
	await page.clock.fastForward(61_000);
	await expect(page).toHaveURL(/\/login\?expired$/);
	await expect(page.getByText('Your session ended because it was idle.')).toBeVisible();
});

test.describe('accessibility', () => {
	test.use({ bypassCSP: true });

	test('the open idle warning has no axe violations', async ({ page }) => {
		test.setTimeout(180_000);
		await openWarning(page, 'children-services@demo.example');
		await expectNoAxeViolations(page, 'the idle-timeout warning');
	});
});

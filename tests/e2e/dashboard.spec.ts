import { expect, signIn, signOut, test } from './fixtures.ts';

const MEMBERS = [
	{
		email: 'police@demo.example',
		agency: 'Demo Constabulary (Police)',
		role: 'Agency representative'
	},
	{
		email: 'coordinator@demo.example',
		agency: 'Demo MARAC Coordination (Other)',
		role: 'Coordinator'
	},
	{ email: 'chair@demo.example', agency: 'Demo Constabulary (Police)', role: 'Chair' }
];

for (const member of MEMBERS) {
	test(`the dashboard shows ${member.email}'s area, agency and role`, async ({ page }) => {
		await signIn(page, member.email);
		await expect(page).toHaveURL(/\/$/);
		await expect(page).toHaveTitle(/Dashboard/);
		await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

		const area = page.getByRole('region', { name: 'Demo Area' });
		await expect(area).toBeVisible();
		await expect(area.locator('dt:text-is("Agency") + dd')).toHaveText(member.agency);
		await expect(area.locator('dt:text-is("Role") + dd')).toHaveText(member.role);

		const nav = page.getByRole('navigation', { name: 'Main' });
		await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		await expect(nav.getByRole('link', { name: 'Administration' })).toHaveCount(0);
		await signOut(page);
	});
}

test('the administrator sees administration, not a MARAC area', async ({ page }) => {
	await signIn(page, 'admin@demo.example');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Administrator' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Demo Area' })).toHaveCount(0);
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' })
	).toBeVisible();
	await signOut(page);
});

test('authenticated pages are never cached', async ({ page }) => {
	await signIn(page, 'observer@demo.example');
	const response = await page.goto('/');
	expect(response?.headers()['cache-control']).toBe('no-store');
	const csp = response?.headers()['content-security-policy'] ?? '';
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toMatch(/script-src 'self' 'nonce-/);
	await signOut(page);
});

import { readFile } from 'node:fs/promises';
import { DEMO_PASSWORD, expect, expectNoAxeViolations, signIn, test } from './fixtures.ts';

test.use({ bypassCSP: true });

test('the coordinator re-authenticates, then downloads an action plan for one agency', async ({
	page
}) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/meetings');
	const agenda = await page
		.locator('a[href^="/meetings/"]')
		.evaluateAll((links) =>
			links
				.map((a) => a.getAttribute('href')!)
				.find((href) => /^\/meetings\/[0-9a-f-]{36}$/.test(href))
		);
	expect(agenda).toBeTruthy();
	await page.goto(agenda!);
	await page.getByRole('link', { name: 'Export the action plan for an agency' }).click();

	// Signing in is not enough: the export asks for the password again.
	await expect(page).toHaveURL(/\/reauth\?next=/);
	await expect(page.getByRole('heading', { level: 1, name: 'Confirm it is you' })).toBeVisible();
	await expectNoAxeViolations(page, '/reauth');
	await page.getByLabel('Password', { exact: true }).fill('not the password');
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByText('The password or code is not right.')).toBeVisible();
	await expectNoAxeViolations(page, '/reauth with an error');
	await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Continue' }).click();

	await expect(page).toHaveURL(new RegExp(`${agenda}/action-plan$`));
	await expect(
		page.getByRole('heading', { level: 1, name: 'Export the action plan' })
	).toBeVisible();
	await expectNoAxeViolations(page, 'the action plan page');
	await page.getByLabel('Agency receiving the action plan').selectOption({
		label: 'Demo Constabulary'
	});
	await page.getByLabel('Why are you exporting it?').fill('Action plan for the police MARAC lead');
	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download the action plan (CSV)' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toMatch(
		/^action-plan-\d{4}-\d{2}-\d{2}-Demo-Constabulary-[0-9a-f]{8}\.csv$/
	);
	const content = await readFile((await download.path())!, 'utf8');
	const lines = content.replace(/^\ufeff/, '').split('\r\n');
	expect(lines[0]).toMatch(
		/^OFFICIAL-SENSITIVE,.*,For Demo Constabulary,Exported by .+,Export [0-9a-f-]{36}$/
	);
	expect(lines[2]).toBe('Case reference,Owner agency,Action,Due date,Status,Status note');

	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Exports' })
		.click();
	await expect(page.getByRole('heading', { level: 1, name: 'Exports register' })).toBeVisible();
	const row = page.getByRole('row').filter({ hasText: 'Action plan for the police MARAC lead' });
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('Demo Constabulary');
	await expect(row).toContainText('Action plan (CSV)');
	await expectNoAxeViolations(page, '/exports');
});

/**
 * A police officer refers a case: one perpetrator, two children (rows added in the browser), a
 * first attempt with errors (nothing typed is lost), then the fix; the case appears in the
 * register. axe on the register and the referral form, with and without errors.
 */
import { expect, expectNoAxeViolations, signIn, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

test('a police officer refers a case and finds it in the register', async ({ page }, testInfo) => {
	await signIn(page, 'police@demo.example');
	await page.goto('/cases');
	await page.getByRole('link', { name: 'New referral' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'New referral' })).toBeVisible();

	await field(page, 'referrer.contact').fill('01632 960111');
	await field(page, 'victim.name').fill('Robin Referral-Test');
	await field(page, 'victim.aliases').fill('Robyn Test');
	await field(page, 'victim.dob').fill('1988-08-08');
	await field(page, 'victim.gender').selectOption('female');
	await field(page, 'victim.interpreterNeeded').check();
	await field(page, 'victim.interpreterLanguage').fill('Polish');
	await field(page, 'contact.safePhone').fill('07700 900999');
	await field(page, 'contact.address').fill('Somewhere safe, not to be shown');
	await field(page, 'perpetrators.0.name').fill('Pat Perpetrator');
	await field(page, 'perpetrators.0.relationship').selectOption('ex_partner');

	// Rows are added and removed in the browser, focus following.
	await page.getByRole('button', { name: 'Add a perpetrator' }).click();
	await expect(page.getByRole('group', { name: 'Perpetrator 2' })).toBeVisible();
	await expect(field(page, 'perpetrators.1.name')).toBeFocused();
	await page.getByRole('button', { name: 'Remove perpetrator 2' }).click();
	await expect(page.getByRole('group', { name: 'Perpetrator 2' })).toHaveCount(0);
	await page.getByRole('button', { name: 'Add a child' }).click();
	await page.getByRole('button', { name: 'Add a child' }).click();
	await field(page, 'children.0.name').fill('AR');
	await field(page, 'children.0.relationship').selectOption('child');
	await field(page, 'children.1.name').fill('BR');
	await field(page, 'children.1.dob').fill('2018-03-04');
	await field(page, 'children.1.relationship').selectOption('stepchild');
	await field(page, 'children.1.school').fill('Demo Primary');

	// First attempt: a Dash score below 14 and no other reason, consent unanswered.
	await field(page, 'criteria.dashScore').fill('9');
	await page.getByRole('button', { name: 'Send referral' }).click();
	const summary = page.getByRole('alert');
	await expect(summary).toContainText('There is a problem');
	await expect(summary).toContainText('Give at least one reason for referral');
	await expect(summary).toContainText('Say whether the victim knows about this referral');
	await expect(summary).toBeFocused();
	// Nothing typed is lost, rows included.
	await expect(field(page, 'victim.name')).toHaveValue('Robin Referral-Test');
	await expect(field(page, 'contact.address')).toHaveValue('Somewhere safe, not to be shown');
	await expect(field(page, 'children.1.school')).toHaveValue('Demo Primary');
	await expect(field(page, 'children.1.relationship')).toHaveValue('stepchild');
	await expect(field(page, 'perpetrators.0.name')).toHaveValue('Pat Perpetrator');
	await expect(page.getByRole('group', { name: /^Child \d$/ })).toHaveCount(2);
	await page.screenshot({ path: testInfo.outputPath('referral-errors.png'), fullPage: true });

	// The error summary's link takes you to the field.
	await summary.getByRole('link', { name: /victim knows/ }).click();
	await expect(field(page, 'consent.victimAware')).toBeFocused();

	await field(page, 'consent.victimAware').selectOption('yes');
	await field(page, 'consent.consentGiven').selectOption('yes');
	await field(page, 'criteria.professionalJudgement').check();
	await field(page, 'criteria.judgementReasons').fill('Recent strangulation; escalating threats.');
	await page.getByRole('button', { name: 'Send referral' }).click();

	await expect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}\/referral\?created=1$/);
	await expect(page.getByRole('status')).toContainText('Referral received');
	const reference = (await page.locator('strong').first().textContent())?.trim() ?? '';
	expect(reference).toMatch(/^DEMO-\d{4}$/);
	await expect(page.getByText('Pat Perpetrator')).toBeVisible();
	await expect(page.getByRole('cell', { name: 'Demo Primary' })).toBeVisible();
	await expect(page.getByText('held in the restricted record')).toBeVisible();
	await expect(page.getByText('Somewhere safe, not to be shown')).toHaveCount(0);
	await page.screenshot({ path: testInfo.outputPath('referral-details.png'), fullPage: true });

	await page.goto('/cases');
	const row = page.getByRole('row', { name: new RegExp(reference) });
	await expect(row).toContainText('Robin Referral-Test');
	await expect(row).toContainText('Interpreter: Polish');
	await expect(row.getByRole('cell').nth(2)).toHaveText('2');
	await page.screenshot({ path: testInfo.outputPath('register.png'), fullPage: true });

	// Searching by an alias finds it; the safe address is nowhere in the register.
	await page.getByLabel('Search by reference or victim name').fill('robyn test');
	await page.getByRole('button', { name: 'Show cases' }).click();
	await expect(page).toHaveURL(/q=robyn\+test/);
	await expect(page.getByRole('row', { name: new RegExp(reference) })).toBeVisible();
	await expect(page.getByText('Somewhere safe')).toHaveCount(0);
});

test('the register filters and pages by its query string', async ({ page }) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/cases');
	await page.getByLabel('Kind').selectOption('human_trafficking');
	await page.getByRole('button', { name: 'Show cases' }).click();
	await expect(page).toHaveURL(/kind=human_trafficking/);
	await expect(page.getByRole('status')).toContainText('of 3 cases matching these filters');
	await expect(page.getByRole('row', { name: /DEMO-0001/ })).toHaveCount(0);
	await page.getByRole('link', { name: 'Clear' }).click();
	await expect(page).toHaveURL(/\/cases$/);
});

test.describe('accessibility', () => {
	test.use({ bypassCSP: true });

	test('register and referral form, with and without errors', async ({ page }) => {
		await signIn(page, 'coordinator@demo.example');
		await page.goto('/cases');
		await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
		await expectNoAxeViolations(page, 'the case register');
		await page.goto('/cases?repeat=yes&status=listed');
		await expectNoAxeViolations(page, 'the filtered case register');
		await page.goto('/cases/new');
		await expectNoAxeViolations(page, 'the referral form');
		await page.getByRole('button', { name: 'Add a child' }).click();
		await page.getByRole('button', { name: 'Send referral' }).click();
		await expect(page.getByRole('alert')).toBeVisible();
		await expectNoAxeViolations(page, 'the referral form with errors');
		await page.goto('/cases/new?kind=human_trafficking');
		await expect(page.getByRole('group', { name: /Type of exploitation/ })).toBeVisible();
		await expectNoAxeViolations(page, 'the trafficking referral form');
	});

	test('a referral page with a repeat to decide', async ({ page }) => {
		await signIn(page, 'coordinator@demo.example');
		await page.goto('/cases?q=DEMO-0006');
		await page.getByRole('link', { name: 'DEMO-0006' }).click();
		await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
		const id = /\/cases\/([0-9a-f-]{36})/.exec(page.url())![1];
		await page.goto(`/cases/${id}/referral`);
		await expect(page.getByRole('heading', { level: 1, name: 'Referral DEMO-0006' })).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Repeat referral' })).toBeVisible();
		await expectNoAxeViolations(page, 'the referral page');
	});
});

/**
 * Between meetings: the police representative updates an action on "My agency", the coordinator
 * sees it on the action tracker, and manages who may see a case. axe (WCAG 2.2 AA) on each page.
 */
import { expect, expectNoAxeViolations, signIn, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

test.use({ bypassCSP: true });

const ACTION = 'Flag the address for an urgent response to any call';
const NOTE = 'Address flagged on the command-and-control system; victim told at a safe time.';

async function caseId(page: Page, reference: string): Promise<string> {
	const response = await page.request.get('/api/cases');
	expect(response.status()).toBe(200);
	const cases = (await response.json()) as { id: string; reference: string }[];
	const found = cases.find((c) => c.reference === reference);
	expect(found, `${reference} is visible`).toBeTruthy();
	return found!.id;
}

test.describe.configure({ mode: 'serial' });

test('the police representative closes an action with a note and sees it move', async ({
	page
}, testInfo) => {
	await signIn(page, 'police@demo.example');
	await page.goto('/my-agency');
	await expect(page.getByRole('heading', { level: 1, name: 'My agency' })).toBeVisible();
	const open = page.getByRole('list', { name: /Open actions of Demo Constabulary/ });
	const card = open.getByRole('article').filter({ hasText: ACTION });
	await expect(card).toBeVisible();
	await expect(card.getByText('Overdue')).toBeVisible();
	// Overdue first.
	await expect(open.getByRole('article').first()).toContainText(ACTION);
	await expectNoAxeViolations(page, 'My agency');
	await page.screenshot({ path: testInfo.outputPath('my-agency.png'), fullPage: true });

	await card.getByLabel('New status').selectOption('done');
	await card.getByLabel(/Progress note/).fill(NOTE);
	await card.getByRole('button', { name: 'Update status' }).click();
	await expect(page.getByRole('status')).toContainText('Status saved: Done');
	await expect(open.getByText(ACTION)).toHaveCount(0);

	const completed = page.getByText(/Recently completed \(\d+\)/);
	await completed.click();
	const row = page.getByRole('row').filter({ hasText: ACTION });
	await expect(row).toContainText('Done');
	await expect(row).toContainText(NOTE);
	await expectNoAxeViolations(page, 'My agency with the completed list open');
	await page.screenshot({ path: testInfo.outputPath('my-agency-completed.png'), fullPage: true });

	// Not the coordinator's pages.
	expect((await page.goto('/actions'))?.status()).toBe(403);
	const id = await caseId(page, 'DEMO-0002');
	expect((await page.goto(`/cases/${id}/access`))?.status()).toBe(403);
});

test('the coordinator sees the update on the action tracker', async ({ page }, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/actions');
	await expect(page.getByRole('heading', { level: 1, name: 'Action tracker' })).toBeVisible();
	const police = page.getByRole('row').filter({ hasText: 'Demo Constabulary' });
	await expect(police.getByRole('cell').nth(2)).toHaveText('1');
	await expectNoAxeViolations(page, 'the action tracker');
	await page.screenshot({ path: testInfo.outputPath('actions.png'), fullPage: true });

	await page.getByLabel('Agency', { exact: true }).selectOption({ label: 'Demo Constabulary' });
	await page.getByLabel('Status', { exact: true }).selectOption('done');
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page).toHaveURL(/status=done/);
	await expect(page.getByText('1 action matches the filters')).toBeVisible();
	const card = page.getByRole('article').filter({ hasText: ACTION });
	await expect(card).toContainText('Done');
	await expect(card).toContainText(NOTE);
	// The coordinator may reopen it.
	await card.getByText('Reopen').first().click();
	await expect(card.getByRole('button', { name: 'Reopen action' })).toBeVisible();
	await expectNoAxeViolations(page, 'the action tracker, filtered');
	await page.screenshot({ path: testInfo.outputPath('actions-done.png'), fullPage: true });
});

test('the coordinator adds and lifts an exclusion, and sees it in the history', async ({
	page
}, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	const id = await caseId(page, 'DEMO-0002');
	await page.goto(`/cases/${id}/access`);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Who may see DEMO-0002' })
	).toBeVisible();
	await expect(page.getByText('Nobody is excluded from this case.')).toBeVisible();
	await expectNoAxeViolations(page, 'the case access page');

	const form = page.getByRole('form', { name: 'Exclude an agency' });
	// Refused without an agency: the error is shown and explained.
	await form.getByLabel('Reason').fill('The perpetrator is a tenant-liaison officer there');
	await form.getByRole('button', { name: 'Exclude the agency' }).click();
	await expect(page.getByRole('alert')).toContainText('Choose the agency to exclude.');
	await expectNoAxeViolations(page, 'the case access page with an error');

	await form.getByLabel('Agency').selectOption({ label: 'Demo Homes' });
	await form.getByRole('button', { name: 'Exclude the agency' }).click();
	await expect(page.getByRole('status')).toContainText('Exclusion added');
	const excluded = page.getByRole('table', { name: 'Exclusions in force' });
	await expect(excluded).toContainText('Demo Homes');
	await expect(excluded).toContainText('tenant-liaison officer');
	await page.screenshot({ path: testInfo.outputPath('case-access-excluded.png'), fullPage: true });

	await excluded.getByRole('button', { name: /Lift the exclusion of Demo Homes/ }).click();
	await expect(page.getByRole('status')).toContainText('Exclusion lifted');
	await expect(page.getByText('Nobody is excluded from this case.')).toBeVisible();

	// A time-limited grant to the restricted details, then revoked.
	const grant = page.getByRole('form', { name: 'Give someone access' });
	await grant
		.getByLabel('Person')
		.selectOption({ label: 'Hana Health – Demo General Hospital (Agency representative)' });
	await grant.getByLabel('Reason').fill('Midwife visiting the refuge this week');
	await grant.getByRole('button', { name: 'Give access' }).click();
	await expect(page.getByRole('status')).toContainText('Access to the restricted details granted');
	const grants = page.getByRole('table', { name: 'Grants in force' });
	await expect(grants).toContainText('Hana Health');
	await grants.getByRole('button', { name: /Revoke Hana Health/ }).click();
	await expect(page.getByRole('status')).toContainText('Grant revoked');
	await expect(page.getByText('No one else has been given access.')).toBeVisible();

	const history = page.getByRole('table', { name: /Access history/ });
	await expect(history).toContainText('Gave Hana Health access to the restricted details');
	await expect(history).toContainText('Revoked Hana Health’s access to the restricted details');
	await expect(history).toContainText('Excluded Demo Homes from the case');
	await expect(history).toContainText('Lifted the exclusion of Demo Homes');
	await expect(history).toContainText('Viewed who may see the case');
	await expectNoAxeViolations(page, 'the case access page after changes');
	await page.screenshot({ path: testInfo.outputPath('case-access.png'), fullPage: true });
});

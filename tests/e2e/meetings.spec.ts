/**
 * Meetings in the browser with the demo data: the coordinator schedules a meeting and orders its
 * agenda with the keyboard; an agency user marks research done; then, in two browser contexts,
 * the coordinator runs the live meeting and the police user follows it. This spec schedules its
 * own meeting, so the Demo Area's planned meeting stays as seeded for other specs.
 * axe runs in side contexts that bypass the CSP (axe is injected); the main contexts keep it.
 */
import type { Browser, BrowserContext, Locator, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
	DEMO_PASSWORD,
	dayFromNow,
	hydrated,
	expect,
	expectNoAxeViolations,
	signIn,
	test,
	watchPage
} from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

let agendaUrl = '';

async function shot(page: Page, testInfo: TestInfo, name: string) {
	await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** A separate signed-in context that bypasses the CSP, for axe. */
async function axeContext(browser: Browser, baseURL: string | undefined, email: string) {
	const context = await browser.newContext({ bypassCSP: true, baseURL });
	const page = await context.newPage();
	await signIn(page, email);
	await expect(page).toHaveURL(/\/$/);
	return { context, page };
}

/** Another person in their own browser context, watched for CSP violations and page errors. */
async function person(browser: Browser, baseURL: string | undefined, email: string) {
	const context: BrowserContext = await browser.newContext({ baseURL });
	const page = await context.newPage();
	const problems = await watchPage(page);
	await signIn(page, email);
	await expect(page).toHaveURL(/\/$/);
	return {
		context,
		page,
		async close() {
			expect(problems.csp, `${email}: CSP violations`).toEqual([]);
			expect(problems.errors, `${email}: page errors`).toEqual([]);
			await context.close();
		}
	};
}

/** Selects the option whose text contains `text`. */
async function chooseOption(select: Locator, text: string) {
	const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
	expect(value, `an option with "${text}"`).toBeTruthy();
	await select.selectOption(value!);
}

const agendaOrder = (page: Page) =>
	page.getByTestId('agenda-item').locator('h3 a').allTextContents();

test('the coordinator schedules a meeting and orders its agenda with the keyboard', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/meetings');
	await expect(page.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
	await shot(page, testInfo, 'meetings');

	await hydrated(page);
	await page.getByLabel('Date', { exact: true }).fill(dayFromNow(1));
	await page.getByLabel('Start time').fill('14:00');
	await page.getByLabel('Venue').fill('Civic Centre, room 4');
	await expect(page.getByLabel('Chair')).toHaveValue(/.+/);
	await expect(page.getByLabel('Target minutes per case')).toHaveValue('12');
	await page.getByRole('button', { name: 'Schedule meeting' }).click();
	await expect(page.getByText('Meeting scheduled.')).toBeVisible();
	agendaUrl = new URL(page.url()).pathname;
	expect(agendaUrl).toMatch(/^\/meetings\/[0-9a-f-]{36}$/);

	for (const reference of ['DEMO-0002', 'DEMO-0004', 'DEMO-0001']) {
		await chooseOption(page.getByLabel('Case', { exact: true }), reference);
		await page.getByRole('button', { name: 'List the case' }).click();
		await expect(page.getByTestId('agenda-item').filter({ hasText: reference })).toBeVisible();
	}
	// Children first (DEMO-0004: 3 children, DEMO-0001: 2), then adult-only.
	await expect.poll(() => agendaOrder(page)).toEqual(['DEMO-0004', 'DEMO-0001', 'DEMO-0002']);

	// Keyboard only: focus "Move DEMO-0002 up" and press Enter.
	const up = page.getByRole('button', { name: 'Move DEMO-0002 up' });
	await up.focus();
	await page.keyboard.press('Enter');
	await expect.poll(() => agendaOrder(page)).toEqual(['DEMO-0004', 'DEMO-0002', 'DEMO-0001']);
	await expect(page.getByTestId('agenda-announcement')).toHaveText(
		'DEMO-0002 is now number 2 of 3.'
	);
	await expect(up).toBeFocused();
	await page.keyboard.press('Enter');
	await expect.poll(() => agendaOrder(page)).toEqual(['DEMO-0002', 'DEMO-0004', 'DEMO-0001']);
	// At the top, focus moves to the case's other button.
	await expect(page.getByRole('button', { name: 'Move DEMO-0002 down' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect.poll(() => agendaOrder(page)).toEqual(['DEMO-0004', 'DEMO-0002', 'DEMO-0001']);
	await page.getByRole('button', { name: 'Put back in the default order' }).click();
	await expect.poll(() => agendaOrder(page)).toEqual(['DEMO-0004', 'DEMO-0001', 'DEMO-0002']);
	await shot(page, testInfo, 'agenda-coordinator');

	const axe = await axeContext(browser, baseURL, 'coordinator@demo.example');
	await axe.page.goto('/meetings');
	await expectNoAxeViolations(axe.page, '/meetings');
	await axe.page.goto(agendaUrl);
	await expect(axe.page.getByTestId('research-grid')).toBeVisible();
	await expectNoAxeViolations(axe.page, 'the agenda (coordinator)');
	await axe.context.close();
});

test('an agency user marks research done; the coordinator sees it in the grid', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	await signIn(page, 'police@demo.example');
	await page.goto(agendaUrl);
	const item = page.getByTestId('agenda-item').filter({ hasText: 'DEMO-0004' });
	await expect(item.getByTestId('research-status')).toHaveText(/Research not yet done/);
	await item.getByRole('button', { name: 'Mark research done for DEMO-0004' }).click();
	await expect(item.getByTestId('research-status')).toHaveText(/Research done/);
	await item.getByRole('button', { name: 'Undo research done for DEMO-0004' }).click();
	await expect(item.getByTestId('research-status')).toHaveText(/Research not yet done/);
	await item.getByRole('button', { name: 'Mark research done for DEMO-0004' }).click();
	await expect(item.getByTestId('research-status')).toHaveText(/Research done/);
	// No coordinator controls for an agency user.
	await expect(page.getByRole('button', { name: /Move .* up/ })).toHaveCount(0);
	await expect(page.getByTestId('research-grid')).toHaveCount(0);
	await shot(page, testInfo, 'agenda-police');

	const axe = await axeContext(browser, baseURL, 'police@demo.example');
	await axe.page.goto(agendaUrl);
	await expectNoAxeViolations(axe.page, 'the agenda (agency user)');
	await axe.context.close();

	const coordinator = await person(browser, baseURL, 'coordinator@demo.example');
	await coordinator.page.goto(agendaUrl);
	const grid = coordinator.page.getByTestId('research-grid');
	const headers = (await grid.locator('thead th').allTextContents()).map((h) => h.trim());
	const column = headers.indexOf('Demo Constabulary');
	expect(column).toBeGreaterThan(1);
	const row = grid.locator('tbody tr').filter({ hasText: 'DEMO-0004' });
	await expect(row.locator('th, td').nth(column)).toHaveText(/Done/);
	await expect(row.locator('td').first()).toHaveText('1 of 10');
	const other = grid.locator('tbody tr').filter({ hasText: 'DEMO-0001' });
	await expect(other.locator('th, td').nth(column)).toHaveText('Not yet');
	await coordinator.close();
});

test('a live meeting: confidentiality first, following the chair, an action, apologies, the end', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	test.setTimeout(120_000);
	await signIn(page, 'coordinator@demo.example');
	await page.goto(agendaUrl);
	await page.getByRole('button', { name: 'Start the meeting' }).click();
	await expect(page).toHaveURL(new RegExp(`${agendaUrl}/live$`));
	await expect(page.getByText('Confidentiality statement')).toBeVisible();
	await expect(page.locator('[data-region="current-case"]')).toHaveCount(0);
	await page.getByRole('button', { name: 'I confirm, join the meeting' }).click();
	const current = page.getByTestId('current-case-reference');
	await expect(current).toHaveText('DEMO-0004');
	await expect(page.getByTestId('live-status')).toHaveText('Live: following the meeting.');

	const police = await person(browser, baseURL, 'police@demo.example');
	await police.page.goto(`${agendaUrl}/live`);
	// Nothing of the meeting before confirming: the statement and a button only.
	await expect(police.page.getByRole('heading', { name: 'Join the meeting' })).toBeVisible();
	await expect(police.page.locator('main')).not.toContainText('DEMO-');
	await shot(police.page, testInfo, 'live-confidentiality');
	await police.page.getByRole('button', { name: 'I confirm, join the meeting' }).click();
	const followed = police.page.getByTestId('current-case-reference');
	await expect(followed).toHaveText('DEMO-0004');
	await expect(police.page.getByTestId('live-status')).toHaveText('Live: following the meeting.');
	await expect(police.page.getByRole('button', { name: 'Next case' })).toHaveCount(0);

	// The chair (here the coordinator) moves on with the button, then with the keyboard.
	await page.getByRole('button', { name: 'Next case' }).click();
	await expect(current).toHaveText('DEMO-0001');
	await expect(followed).toHaveText('DEMO-0001');
	await expect(police.page).toHaveURL(/\?case=[0-9a-f-]{36}$/);
	await expect(police.page.getByTestId('case-announcement')).toHaveText('Current case: DEMO-0001.');
	await page.locator('body').click({ position: { x: 5, y: 5 } });
	await page.keyboard.press('Alt+ArrowRight');
	await expect(current).toHaveText('DEMO-0002');
	await expect(followed).toHaveText('DEMO-0002');
	await expect(page.getByTestId('timer-text')).toHaveText(/^\d+:\d\d of 12:00$/);

	// Not following: the police user stays; following again catches up.
	await police.page.getByLabel('Follow the chair').uncheck();
	await page.keyboard.press('Alt+ArrowLeft');
	await expect(current).toHaveText('DEMO-0001');
	await expect(police.page.getByText('The chair is on DEMO-0001.')).toBeVisible();
	await expect(followed).toHaveText('DEMO-0002');
	await police.page.getByLabel('Follow the chair').check();
	await expect(followed).toHaveText('DEMO-0001');

	// Quick-add an action for the current case.
	// The quick-add form (the case's own sections below have add-action forms too).
	const quick = page.locator('section[aria-labelledby="quick-action-title"]');
	await quick.getByLabel('Owner agency').selectOption({ label: 'Demo Homes' });
	await quick
		.getByLabel('Action', { exact: true })
		.fill('Demo Homes to fit a door alarm within 7 days');
	await expect(quick.getByLabel('Due date')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
	await quick.getByRole('button', { name: 'Add action' }).click();
	await expect(page.getByTestId('quick-action-status')).toHaveText(
		/^Action added for Demo Homes, due \d{4}-\d{2}-\d{2}\.$/
	);
	await expect(quick.getByLabel('Action', { exact: true })).toHaveValue('');

	// Apologies, with "information sent".
	await chooseOption(page.getByLabel('Apologies from'), 'Hana Health');
	await page.getByLabel('Yes', { exact: true }).check();
	await page.getByRole('button', { name: 'Record apologies' }).click();
	await expect(page.getByTestId('apologies-list')).toContainText(
		'Hana Health (Demo General Hospital): information sent: yes'
	);
	await expect(page.getByTestId('present-list')).toContainText(
		'Demo Constabulary: PC Priya Police'
	);
	await shot(page, testInfo, 'live-coordinator');
	await shot(police.page, testInfo, 'live-police');

	const axe = await axeContext(browser, baseURL, 'coordinator@demo.example');
	await axe.page.goto(`${agendaUrl}/live`);
	await expect(axe.page.getByTestId('current-case-reference')).toBeVisible();
	await expectNoAxeViolations(axe.page, 'the live meeting (coordinator)');
	await axe.context.close();
	const axeHealth = await axeContext(browser, baseURL, 'housing@demo.example');
	await axeHealth.page.goto(`${agendaUrl}/live`);
	await expect(axeHealth.page.getByRole('heading', { name: 'Join the meeting' })).toBeVisible();
	await expectNoAxeViolations(axeHealth.page, 'the confidentiality statement');
	await axeHealth.page.getByRole('button', { name: 'I confirm, join the meeting' }).click();
	await expect(axeHealth.page.getByTestId('current-case-reference')).toBeVisible();
	await expectNoAxeViolations(axeHealth.page, 'the live meeting (agency user)');
	await axeHealth.context.close();

	// The end: everyone sees it.
	await page.getByRole('button', { name: 'End the meeting' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Meeting ended' })).toBeVisible();
	await expect(police.page.getByRole('heading', { level: 1, name: 'Meeting ended' })).toBeVisible();
	await shot(police.page, testInfo, 'live-ended');
	await police.close();

	await page.goto(agendaUrl);
	await expect(page.getByText('This meeting has ended.')).toBeVisible();
	await expect(page.getByRole('button', { name: /Move .* up/ })).toHaveCount(0);
});

test('the coordinator issues the minutes and previews what each agency receives', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto(agendaUrl);
	await page.getByRole('link', { name: 'Minutes' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /^Minutes of the meeting/ })
	).toBeVisible();
	await expect(page.getByText('No version has been issued yet.')).toBeVisible();
	// The draft, for the coordinator: every case of the agenda, in agenda order.
	const cases = page.getByTestId('minutes-preview').locator('[data-level="2"]');
	await expect(cases).toHaveText([/^DEMO-0004/, /^DEMO-0001/, /^DEMO-0002/]);
	const preview = page.getByTestId('minutes-preview');
	await expect(preview).toContainText('DRAFT');
	await expect(preview).toContainText('Demo Homes to fit a door alarm within 7 days');
	await expect(preview.locator('tr', { hasText: 'Hana Health' })).toContainText('Yes');

	await page.getByRole('button', { name: 'Issue the minutes' }).click();
	await expect(page.getByRole('status')).toContainText('Version 1 issued.');
	await expect(page.getByRole('link', { name: 'Version 1' })).toBeVisible();

	// A second version needs a reason.
	await page.getByRole('button', { name: 'Issue a new version' }).click();
	await expect(page.getByLabel('Why is a new version needed?')).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await page
		.getByLabel('Why is a new version needed?')
		.fill('Housing action wording agreed after the meeting.');
	await page.getByRole('button', { name: 'Issue a new version' }).click();
	await expect(page.getByRole('status')).toContainText('Version 2 issued.');

	// Preview as the police representative would receive version 1.
	await page.getByLabel('Version', { exact: true }).selectOption('1');
	await chooseOption(page.getByLabel('Recipient', { exact: true }), 'PC Priya Police');
	await page.getByRole('button', { name: 'Show the preview' }).click();
	await expect(page.getByRole('heading', { name: /Version 1 as PC Priya Police/ })).toBeVisible();
	await expect(preview).toContainText('Version 1 issued');
	await shot(page, testInfo, 'minutes-preview');

	// Export it for them: confirm identity first, then the file downloads.
	await page.getByRole('link', { name: 'Confirm it’s you to export' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Confirm it is you' })).toBeVisible();
	await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page.getByRole('heading', { name: /Version 1 as PC Priya Police/ })).toBeVisible();
	await page.getByLabel('Format').selectOption('pdf');
	await page
		.getByLabel('Why are you exporting the minutes?')
		.fill('Minutes for the police MARAC representative');
	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export and download' }).click();
	const download = await downloading;
	expect(download.suggestedFilename()).toMatch(
		/^marac-minutes-demo-area-\d{4}-\d{2}-\d{2}-v1\.pdf$/
	);
	const file = readFileSync((await download.path())!);
	expect(file.subarray(0, 5).toString()).toBe('%PDF-');
	expect(file.byteLength).toBeGreaterThan(2000);

	const axe = await axeContext(browser, baseURL, 'coordinator@demo.example');
	await axe.page.goto(`${agendaUrl}/minutes`);
	await expect(axe.page.getByRole('heading', { name: 'Issued versions' })).toBeVisible();
	await expectNoAxeViolations(axe.page, 'the minutes page');
	await axe.context.close();

	// An agency representative cannot open the minutes page.
	const police = await person(browser, baseURL, 'police@demo.example');
	const refused = await police.page.goto(`${agendaUrl}/minutes`);
	expect(refused?.status()).toBe(403);
	await police.close();
});

test('people outside the area, and administrators, cannot open the meeting', async ({ page }) => {
	await signIn(page, 'admin@demo.example');
	for (const path of [agendaUrl, `${agendaUrl}/live`]) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(404);
		await expect(page.locator('main')).not.toContainText('DEMO-');
	}
	const list = await page.goto('/meetings');
	expect(list?.status()).toBe(200);
	await expect(page.getByText('No meetings are planned.')).toBeVisible();
});

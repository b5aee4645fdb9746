/**
 * The trafficking pathway on the case page: a support worker records the interpreter need and
 * NRM dates, the alert and deadline appear, and the coordinator sees it live.
 */
import {
	caseId,
	expect,
	expectClean,
	expectNoAxeViolations,
	openCase,
	secondUser,
	signIn,
	test
} from './fixtures.ts';

test('a support worker fills in the pathway; alerts follow; the coordinator sees it live', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	test.setTimeout(90_000);
	await signIn(page, 'third-sector@demo.example');
	const id = await caseId(page, 'DEMO-0008');
	const coordinator = await secondUser(browser, baseURL, 'coordinator@demo.example');
	await openCase(page, id);
	await openCase(coordinator.page, id);

	const pathway = page.locator('#pathway');
	await pathway.getByLabel('Interpreter needed').selectOption('yes');
	await pathway.getByLabel('Preferred language').fill('Vietnamese');
	await pathway.getByLabel('Preferred language').press('Tab');
	await pathway.getByLabel('Interpreter gender').selectOption('female');
	await expect(
		pathway.getByText('Interpreter needed: Vietnamese, female; never use a companion')
	).toBeVisible();

	// An NRM referral long ago with no decision: the reasonable-grounds decision is overdue.
	await pathway.getByLabel('NRM referral date').fill('2026-01-05');
	await pathway.getByLabel('NRM referral date').press('Tab');
	await expect(
		pathway.getByText(/Urgent:\s*Reasonable-grounds decision \d+ days overdue/)
	).toBeVisible();
	await expect(
		pathway.getByRole('cell', { name: 'Reasonable-grounds decision due' })
	).toBeVisible();

	// Two appointments cancelled by someone else.
	for (const [service, date] of [
		['GP', '2026-11-02'],
		['Dentist', '2026-11-09']
	]) {
		await pathway.getByLabel('Service').fill(service!);
		await pathway.getByLabel('Date', { exact: true }).fill(date!);
		await pathway.getByLabel('Outcome', { exact: true }).selectOption('cancelled_by_someone_else');
		await pathway.getByRole('button', { name: 'Add appointment' }).click();
	}
	await expect(pathway.getByText(/2 appointments cancelled by someone else/)).toBeVisible();

	const theirs = coordinator.page.locator('#pathway');
	await expect(theirs.getByLabel('Preferred language')).toHaveValue('Vietnamese');
	await expect(theirs.getByText(/2 appointments cancelled by someone else/)).toBeVisible();

	await expectNoAxeViolations(page, 'case page with the pathway');
	await page.screenshot({ path: testInfo.outputPath('pathway.png'), fullPage: true });
	expectClean(coordinator.problems);
	await coordinator.context.close();
});

test('the interpreter need shows on the register, the case, the meeting agenda and actions', async ({
	page
}) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/cases?q=DEMO-0008');
	await expect(page.getByRole('row').filter({ hasText: 'DEMO-0008' })).toContainText(
		'Interpreter: Vietnamese'
	);
	const id = await caseId(page, 'DEMO-0008');
	await openCase(page, id);
	await expect(page.getByLabel('Case markers')).toContainText('Interpreter needed: Vietnamese');
	// The Demo Area's planned meeting lists DEMO-0008.
	await page.goto('/meetings');
	const meetings = await page
		.locator('main a[href^="/meetings/"]')
		.evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
	let seen = false;
	for (const href of new Set(meetings)) {
		await page.goto(href);
		const item = page.getByTestId('agenda-item').filter({ hasText: 'DEMO-0008' });
		if ((await item.count()) === 0) continue;
		await expect(item).toContainText('Interpreter: Vietnamese');
		seen = true;
	}
	expect(seen, 'a meeting lists DEMO-0008').toBe(true);
	// Actions on the case remind whoever contacts the person.
	await page.goto('/actions');
	const onCase = page.getByRole('article').filter({ hasText: 'DEMO-0009' }).first();
	await expect(onCase).toContainText('Interpreter needed: Albanian');
});

test('the trafficking dashboard is readable and accessible', async ({ page }, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	await page.goto('/trafficking');
	await expect(
		page.getByRole('heading', { level: 1, name: 'Trafficking dashboard' })
	).toBeVisible();
	await expect(page.getByRole('img', { name: /People by NRM stage/ })).toBeVisible();
	await expectNoAxeViolations(page, 'trafficking dashboard');
	await page.screenshot({ path: testInfo.outputPath('trafficking-dashboard.png'), fullPage: true });
});

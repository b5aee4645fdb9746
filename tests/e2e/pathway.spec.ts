/**
 * The trafficking pathway on the case page: a support worker records the interpreter need and
 * NRM dates, the alert and deadline appear, and the coordinator sees it live, then finds the case
 * at the top of the dashboard's list of cases needing attention. The interpreter need shows on
 * the register, the case, the meeting agenda, the live meeting and action cards.
 */
import {
	caseId,
	dayFromNow,
	hydrated,
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

	// The coordinator, with the case open in another browser, watches the alerts arrive.
	const theirs = coordinator.page.locator('#pathway');
	await expect(theirs.getByLabel('Preferred language')).toHaveValue('Vietnamese');
	await expect(
		theirs.getByText('Interpreter needed: Vietnamese, female; never use a companion')
	).toBeVisible();
	await expect(
		theirs.getByText(/Urgent:\s*Reasonable-grounds decision \d+ days overdue/)
	).toBeVisible();
	await expect(
		theirs.getByText(/Urgent:\s*2 appointments cancelled by someone else/)
	).toBeVisible();

	await expectNoAxeViolations(page, 'case page with the pathway');
	await page.screenshot({ path: testInfo.outputPath('pathway.png'), fullPage: true });

	// On the dashboard the case comes first (the only one with urgent alerts), linked, with its
	// NRM stage, each alert's level in words and the next deadline with the days since it passed.
	await coordinator.page.goto('/trafficking');
	const list = coordinator.page.getByTestId('case-alerts');
	const first = list.locator('tbody tr').first();
	await expect(first.getByRole('link', { name: 'DEMO-0008' })).toHaveAttribute(
		'href',
		`/cases/${id}`
	);
	await expect(first).toContainText('Awaiting reasonable-grounds decision');
	await expect(first).toContainText(/Urgent:\s*Reasonable-grounds decision \d+ days overdue/);
	await expect(first).toContainText(/Urgent:\s*2 appointments cancelled by someone else/);
	await expect(first).toContainText(/Check:\s*Interpreter needed: Vietnamese, female/);
	// Referred Monday 5 January 2026: the RG decision was due 5 working days later.
	await expect(first).toContainText(
		/Reasonable-grounds decision due: 2026-01-12\s*\d+ days ago \(overdue\)/
	);
	await expectNoAxeViolations(coordinator.page, 'trafficking dashboard with cases listed');
	await coordinator.page.screenshot({
		path: testInfo.outputPath('trafficking-case-alerts.png'),
		fullPage: true
	});
	expectClean(coordinator.problems);
	await coordinator.context.close();
});

test('the interpreter need shows on the register, the case, the meeting agenda and actions', async ({
	page
}, testInfo) => {
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
	// The live meeting: a meeting of its own, before the Demo Area's (which keeps the case
	// editable for other specs once this one ends).
	await page.goto('/meetings');
	await hydrated(page);
	await page.getByLabel('Date', { exact: true }).fill(dayFromNow(3));
	await page.getByLabel('Start time').fill('14:00');
	await page.getByLabel('Venue').fill('Online (secure video)');
	await page.getByRole('button', { name: 'Schedule meeting' }).click();
	await expect(page.getByText('Meeting scheduled.')).toBeVisible();
	const select = page.getByLabel('Case', { exact: true });
	const value = await select
		.locator('option', { hasText: 'DEMO-0008' })
		.first()
		.getAttribute('value');
	await select.selectOption(value!);
	await page.getByRole('button', { name: 'List the case' }).click();
	await expect(page.getByTestId('agenda-item').filter({ hasText: 'DEMO-0008' })).toBeVisible();
	await page.getByRole('button', { name: 'Start the meeting' }).click();
	await page.getByRole('button', { name: 'I confirm, join the meeting' }).click();
	await expect(page.getByTestId('current-case-reference')).toHaveText('DEMO-0008');
	const current = page.getByRole('region', { name: 'Current case' });
	await expect(current).toContainText('Interpreter: Vietnamese');
	await expect(
		page.locator('#pathway').getByText('Interpreter needed: Vietnamese, female')
	).toBeVisible();
	// The strip under the case reference carries the pathway's alerts (the first test left an
	// overdue RG decision and two third-party cancellations), level in words, and the deadline.
	const strip = current.getByTestId('case-pathway-alerts');
	await expect(strip).toContainText('NRM: Awaiting reasonable-grounds decision');
	await expect(strip).toContainText(/Urgent:\s*Reasonable-grounds decision \d+ days overdue/);
	await expect(strip).toContainText(/Urgent:\s*2 appointments cancelled by someone else/);
	await expect(strip).toContainText(
		/Next deadline: Reasonable-grounds decision due: 2026-01-12,\s*\d+ days ago \(overdue\)/
	);
	await expectNoAxeViolations(page, 'live meeting with pathway alerts');
	// The top of the region (the workspace follows it): the reference, the facts and the strip.
	const box = (await current.boundingBox())!;
	await page.screenshot({
		path: testInfo.outputPath('live-case-strip.png'),
		fullPage: true,
		clip: { ...box, height: Math.min(box.height, 520) }
	});
	await page.getByRole('button', { name: 'End the meeting' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Meeting ended' })).toBeVisible();
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

/**
 * The case workspace in two browsers at once: the plan and agency summaries are edited live,
 * actions are added, notes are shared to the meeting on purpose, and the restricted panel exists
 * only for those allowed (not in the page, not in the document list, not over the socket).
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

const POLICE = 'Demo Constabulary (Police)';

test('the coordinator and the police see each other type, live', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	test.setTimeout(90_000);
	await signIn(page, 'coordinator@demo.example');
	const id = await caseId(page, 'DEMO-0001');
	const police = await secondUser(browser, baseURL, 'police@demo.example');
	await openCase(page, id);
	await openCase(police.page, id);

	// The coordinator writes the plan; the police user reads it, without a toolbar.
	const riskSummary = page.getByRole('textbox', { name: 'Risk summary' });
	await riskSummary.click();
	await page.keyboard.type('Escalating threats since October; ex-partner has a knife.');
	const policeRisk = police.page.getByRole('textbox', { name: 'Risk summary' });
	await expect(policeRisk).toContainText('Escalating threats since October');
	await expect(policeRisk).toHaveAttribute('aria-readonly', 'true');
	await expect(policeRisk).toHaveAttribute('contenteditable', 'false');
	await expect(police.page.getByRole('toolbar', { name: 'Formatting: Risk summary' })).toHaveCount(
		0
	);

	// Bold through the toolbar: the button says it is pressed.
	const bold = page
		.getByRole('toolbar', { name: 'Formatting: Risk summary' })
		.getByRole('button', { name: 'Bold' });
	await expect(bold).toHaveAttribute('aria-pressed', 'false');
	await page.keyboard.press('ControlOrMeta+b');
	await expect(bold).toHaveAttribute('aria-pressed', 'true');
	await page.keyboard.type(' Urgent.');
	await expect(policeRisk.locator('strong')).toHaveText(' Urgent.');

	// The police user writes in the police summary; the coordinator sees it.
	const policeSection = police.page.getByRole('region', { name: POLICE });
	await policeSection.getByRole('textbox', { name: 'Shared research summary' }).click();
	await police.page.keyboard.type('Two call-outs in October; bail conditions in place.');
	await expect(
		page
			.getByRole('region', { name: POLICE })
			.getByRole('textbox', { name: 'Shared research summary' })
	).toContainText('Two call-outs in October');

	// Presence: each sees the other.
	await expect(page.getByRole('heading', { name: 'Who else is here' })).toBeVisible();
	await expect(page.locator('header').getByText('PC Priya Police', { exact: true })).toBeVisible();
	await expect(
		police.page.locator('header').getByText('Casey Coordinator', { exact: true })
	).toBeVisible();

	await page.screenshot({ path: testInfo.outputPath('case-coordinator.png'), fullPage: true });
	await police.page.screenshot({ path: testInfo.outputPath('case-police.png'), fullPage: true });
	expectClean(police.problems);
	await police.context.close();
});

test('police adds an action and the coordinator sees it live', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	test.setTimeout(90_000);
	await signIn(page, 'police@demo.example');
	const id = await caseId(page, 'DEMO-0002');
	const coordinator = await secondUser(browser, baseURL, 'coordinator@demo.example');
	await openCase(page, id);
	await openCase(coordinator.page, id);

	const section = page.getByRole('region', { name: POLICE });
	await section.getByText('Add an action for Demo Constabulary').click();
	const due = section.getByLabel('Due date');
	await expect(due).not.toHaveValue('');

	// Not SMART enough: refused with a message, nothing written.
	await section.getByLabel('Action', { exact: true }).fill('tbc');
	await section.getByRole('button', { name: 'Add action' }).click();
	await expect(section.getByText('Describe the action in a few words')).toBeVisible();
	await expect(section.getByLabel('Action', { exact: true })).toBeFocused();

	await section
		.getByLabel('Action', { exact: true })
		.fill('Police to fit a panic alarm at the address');
	await section.getByRole('button', { name: 'Add action' }).click();
	await expect(section.getByRole('status').filter({ hasText: 'Action added' })).toBeVisible();

	const list = section.getByRole('list', { name: 'Actions for Demo Constabulary' });
	await expect(list.getByRole('listitem')).toHaveCount(1);
	await expect(list).toContainText('Police to fit a panic alarm at the address');
	await expect(list).toContainText('Open');

	const seen = coordinator.page
		.getByRole('region', { name: POLICE })
		.getByRole('list', { name: 'Actions for Demo Constabulary' });
	await expect(seen).toContainText('Police to fit a panic alarm at the address');
	await expect(seen).toContainText('Status: Open');

	// Police may not add actions to another agency.
	await expect(
		page.getByRole('region', { name: 'Demo General Hospital (Health)' }).getByText(/Add an action/)
	).toHaveCount(0);

	await section.screenshot({ path: testInfo.outputPath('police-action.png') });
	expectClean(coordinator.problems);
	await coordinator.context.close();
});

test('police shares a selection of its private notes to the meeting, after confirming', async ({
	page
}, testInfo) => {
	test.setTimeout(60_000);
	await signIn(page, 'police@demo.example');
	const id = await caseId(page, 'DEMO-0003');
	await openCase(page, id);

	const notesSection = page.getByRole('region', { name: 'Private research notes' });
	await expect(notesSection).toContainText(
		'Private to Demo Constabulary — never shared unless you choose to.'
	);
	const notes = notesSection.getByRole('textbox', { name: 'Your agency’s notes' });
	await notes.click();
	await page.keyboard.type('Checked PNC: one caution for assault in 2023.');
	await expect(notes).toContainText('one caution for assault in 2023.');

	// Nothing selected: told to select first.
	await notesSection.getByRole('button', { name: 'Share selection to meeting' }).click();
	await expect(notesSection.getByRole('alert')).toContainText('Select the text');

	await notes.click();
	await page.keyboard.press('ControlOrMeta+a');
	await notesSection.getByRole('button', { name: 'Share selection to meeting' }).click();
	const preview = notesSection.getByTestId('share-preview');
	await expect(preview).toHaveText('Checked PNC: one caution for assault in 2023.');
	await expect(
		notesSection.getByRole('heading', { name: 'Share this with the meeting?' })
	).toBeFocused();
	await page.screenshot({ path: testInfo.outputPath('share-confirm.png') });
	await notesSection.getByRole('button', { name: 'Confirm and share' }).click();
	await expect(
		notesSection.getByRole('status').filter({ hasText: 'Shared with the meeting' })
	).toBeVisible();

	await expect(
		page
			.getByRole('region', { name: POLICE })
			.getByRole('textbox', { name: 'Shared research summary' })
	).toContainText('Checked PNC: one caution for assault in 2023.');
});

test('health never gets the restricted panel: not in the page, the list or the socket', async ({
	page
}) => {
	await signIn(page, 'health@demo.example');
	const id = await caseId(page, 'DEMO-0001');
	const response = await page.goto(`/cases/${id}`);
	const html = (await response?.text()) ?? '';
	expect(html).toContain('DEMO-0001');
	expect(html).not.toContain('Safe contact');
	expect(html).not.toContain('Safe phone number');
	await expect(page.getByRole('heading', { name: 'Safe contact (restricted)' })).toHaveCount(0);

	const listing = await page.request.get(`/api/cases/${id}/documents`);
	expect(listing.status()).toBe(200);
	const names = ((await listing.json()) as { name: string }[]).map((d) => d.name);
	expect(names).toContain(`case:${id}:plan`);
	expect(names).not.toContain(`case:${id}:restricted`);

	// The socket is refused at the upgrade, so it never opens.
	const opened = await page.evaluate(async (name) => {
		return await new Promise<boolean>((resolve) => {
			const socket = new WebSocket(`ws://${location.host}/sync/${encodeURIComponent(name)}`);
			socket.onopen = () => {
				socket.close();
				resolve(true);
			};
			socket.onerror = () => resolve(false);
		});
	}, `case:${id}:restricted`);
	expect(opened).toBe(false);
});

test('the IDVA service edits the restricted panel and the coordinator sees it live', async ({
	page,
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	await signIn(page, 'idva@demo.example');
	const id = await caseId(page, 'DEMO-0002');
	const coordinator = await secondUser(browser, baseURL, 'coordinator@demo.example');
	await openCase(page, id);
	await openCase(coordinator.page, id);
	await page
		.getByRole('region', { name: 'Safe contact (restricted)' })
		.getByLabel('Safe phone number')
		.fill('07700 900123');
	await expect(
		coordinator.page
			.getByRole('region', { name: 'Safe contact (restricted)' })
			.getByLabel('Safe phone number')
	).toHaveValue('07700 900123');
	expectClean(coordinator.problems);
	await coordinator.context.close();
});

test.describe('accessibility', () => {
	test.use({ bypassCSP: true });

	for (const [email, reference] of [
		['coordinator@demo.example', 'DEMO-0007'],
		['police@demo.example', 'DEMO-0001'],
		['observer@demo.example', 'DEMO-0001']
	] as const) {
		test(`the case page for ${email} has no axe violations`, async ({ page }, testInfo) => {
			test.setTimeout(90_000);
			await signIn(page, email);
			const id = await caseId(page, reference);
			await openCase(page, id);
			await expectNoAxeViolations(page, `the case page (${email})`);
			const who = email.split('@')[0];
			await page.screenshot({ path: testInfo.outputPath(`case-${who}-top.png`) });
			await page.screenshot({
				path: testInfo.outputPath(`case-${who}.png`),
				fullPage: true
			});
		});
	}

	test('the case page is usable from the keyboard: skip link, toolbar, editor', async ({
		page
	}) => {
		await signIn(page, 'coordinator@demo.example');
		// A case no meeting has heard (a heard case's plan is frozen after its meeting ends).
		const id = await caseId(page, 'DEMO-0009');
		await openCase(page, id);
		const flag = page.getByLabel('Weapons used or threatened');
		await flag.focus();
		await page.keyboard.press('Space');
		await expect(flag).toBeChecked();
		// Tab from the last flag reaches the risk summary's toolbar, then the editor.
		await page.getByLabel('Trafficking or exploitation').focus();
		await page.keyboard.press('Tab');
		await expect(page.getByRole('button', { name: 'Bold' }).first()).toBeFocused();
		await page.keyboard.press('ArrowRight');
		await expect(page.getByRole('button', { name: 'Italic' }).first()).toBeFocused();
		await page.keyboard.press('Tab');
		await expect(page.getByRole('textbox', { name: 'Risk summary' })).toBeFocused();
		await page.keyboard.type('Typed from the keyboard.');
		await page.keyboard.press('Tab');
		// Tab leaves the editor (it is never trapped).
		await expect(page.getByRole('textbox', { name: 'Risk summary' })).not.toBeFocused();
	});
});

test('a case the user may not see is a 404, like one that does not exist', async ({
	page,
	browser,
	baseURL
}) => {
	const coordinator = await secondUser(browser, baseURL, 'coordinator@demo.example');
	const id = await caseId(coordinator.page, 'DEMO-0001');
	await coordinator.context.close();

	await signIn(page, 'admin@demo.example');
	await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
	const real = await page.goto(`/cases/${id}`);
	expect(real?.status()).toBe(404);
	const html = (await real?.text()) ?? '';
	expect(html).not.toContain('DEMO-0001');
	const missing = await page.goto('/cases/00000000-0000-4000-8000-000000000000');
	expect(missing?.status()).toBe(404);
	const malformed = await page.goto('/cases/not-a-case');
	expect(malformed?.status()).toBe(404);
});

/**
 * The data return: the coordinator opens it from the navigation, sees the quarter's tables and
 * the four charts (each with its table), downloads the suppressed CSV; agency representatives
 * neither see the link nor open the page.
 */
import {
	DEMO_PASSWORD,
	expect,
	expectClean,
	expectNoAxeViolations,
	signIn,
	test
} from './fixtures.ts';

test('the coordinator sees the data return with charts and tables, and downloads it', async ({
	page,
	problems
}, testInfo) => {
	await signIn(page, 'coordinator@demo.example');
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Data return' })
		.click();
	await expect(page).toHaveURL(/\/data-return$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Marac data return' })).toBeVisible();
	await expect(page.getByText('Q1 is April to June')).toBeVisible();

	// The demo meeting is not yet held: listed with its agenda (six cases), provisional.
	const meetings = page.getByRole('table', { name: /Cases heard at each meeting/ });
	await expect(meetings).toBeVisible();
	const row = meetings.locator('tbody tr').first();
	await expect(row).toContainText('Not yet held (provisional)');
	await expect(row.locator('td').first()).toHaveText('6');
	await expect(page.getByRole('table', { name: /Figures for/ })).toBeVisible();

	for (const title of [
		'Cases per quarter against the recommended volume',
		'Repeat rate per quarter against the expected range',
		/Referrals by referring agency sector/,
		/Victims and perpetrators/
	]) {
		const figure = page.getByRole('figure', { name: title });
		await expect(figure).toBeVisible();
		await expect(figure.getByRole('img')).toBeVisible();
		await figure.getByText('Show the figures as a table').click();
		await expect(figure.getByRole('table')).toBeVisible();
	}
	// The recommended volume is named in words, not only drawn: 120,000 women → 120 a quarter.
	await expect(
		page.getByRole('figure', { name: 'Cases per quarter against the recommended volume' })
	).toContainText('Recommended: 120');
	await expect(
		page.getByRole('figure', { name: 'Repeat rate per quarter against the expected range' })
	).toContainText('Expected range');
	await expectNoAxeViolations(page, 'the data return');
	// The four charts (their container), to look at the labels and reference marks.
	await page
		.getByRole('figure')
		.first()
		.locator('xpath=..')
		.screenshot({ path: testInfo.outputPath('data-return-charts.png') });

	// Exporting asks for the password again, then a reason for the exports register.
	await page.getByRole('link', { name: 'Confirm it’s you to export' }).click();
	await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Continue' }).click();
	await expect(page).toHaveURL(/\/data-return/);
	await page
		.getByLabel('Why are you exporting the data return?')
		.fill('Quarterly return to SafeLives');
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download the data return (CSV)' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(
		/^marac-data-return-\d{4}-Q[1-4]-\d{4}-\d{2}-\d{2}\.csv$/
	);
	expectClean(problems);
});

test('an agency representative has no link and is refused the page', async ({ page }) => {
	await signIn(page, 'police@demo.example');
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data return' })
	).toHaveCount(0);
	const response = await page.goto('/data-return');
	expect(response?.status()).toBe(403);
	await expect(page.getByText('Cases per quarter against the recommended volume')).toHaveCount(0);
});

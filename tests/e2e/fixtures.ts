/**
 * Shared e2e fixtures: every page is watched for Content-Security-Policy violations and uncaught
 * errors (a test fails if any occur), plus helpers for signing in, TOTP and axe.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';

/** Printed at start and in the README (src/lib/server/seed/demo.ts). */
export const DEMO_PASSWORD = 'demo-marac-portal-2026';
export const GENERIC_SIGN_IN_ERROR =
	'The e-mail address or password is not right, or the account cannot sign in.';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const CSP_MARK = '[csp-violation]';

export interface PageProblems {
	csp: string[];
	errors: string[];
}

/** Attaches the CSP and error listeners to a page (done automatically for the `page` fixture). */
export async function watchPage(page: Page): Promise<PageProblems> {
	const problems: PageProblems = { csp: [], errors: [] };
	// Init scripts are injected by the browser's debugging protocol, so the page's CSP does not
	// block them. The console message is a second channel: Chromium logs every CSP refusal there.
	await page.addInitScript((mark) => {
		document.addEventListener('securitypolicyviolation', (event) => {
			console.error(`${mark} ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
		});
	}, CSP_MARK);
	page.on('console', (message) => {
		const text = message.text();
		if (text.startsWith(CSP_MARK) || /Content Security Policy/i.test(text)) {
			problems.csp.push(`${page.url()}: ${text}`);
		}
	});
	page.on('pageerror', (error) => problems.errors.push(`${page.url()}: ${error.message}`));
	return problems;
}

/** Every test's page is watched, whether or not the test asks for `problems`. */
export const test = base.extend<{ problems: PageProblems }>({
	problems: [
		async ({ page }, use) => {
			const problems = await watchPage(page);
			await use(problems);
			expect(problems.csp, 'Content-Security-Policy violations').toEqual([]);
			expect(problems.errors, 'uncaught errors in the page').toEqual([]);
		},
		{ auto: true }
	]
});

export { expect };

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
	await page.goto('/login');
	await page.getByLabel('E-mail address').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(password);
	// Wait for the answer (it sets the cookie), so that a navigation straight after cannot cancel it.
	const answered = page.waitForResponse(
		(r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'
	);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await answered;
}

export async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).first().click();
	await expect(page).toHaveURL(/\/login\?signed-out$/);
	await expect(page.getByText('You have signed out.')).toBeVisible();
}

export const TOTP_PERIOD_MS = 30_000;

export function totpStep(at = Date.now()): number {
	return Math.floor(at / TOTP_PERIOD_MS);
}

export function totpCode(secret: string, step = totpStep()): string {
	const key = decodeBase32IgnorePadding(secret.replace(/\s+/g, '').toUpperCase());
	return generateHOTP(key, BigInt(step), 6);
}

/**
 * Codes are single use: the server refuses a step at or before the last one it accepted. Waits
 * for the first step after `usedStep` and returns its code.
 */
export async function freshTotpCode(secret: string, usedStep: number) {
	while (totpStep() <= usedStep) {
		const untilNext = TOTP_PERIOD_MS - (Date.now() % TOTP_PERIOD_MS);
		await new Promise((resolve) => setTimeout(resolve, untilNext + 250));
	}
	const step = totpStep();
	return { step, code: totpCode(secret, step) };
}

/** On /account/mfa/setup: reads the key, confirms a code and returns what the test needs later. */
export async function enrolTotp(page: Page) {
	const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
	expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
	const step = totpStep();
	await page.getByLabel('6-digit code').fill(totpCode(secret, step));
	await page.getByRole('button', { name: 'Confirm' }).click();
	const codes = page.getByTestId('recovery-codes');
	await expect(codes).toBeVisible();
	return { secret, step, recoveryCodes: await codes.getByRole('listitem').allTextContents() };
}

/** Runs axe with the WCAG 2.2 AA rule set; the page's context must have `bypassCSP: true`. */
export async function expectNoAxeViolations(page: Page, what: string) {
	const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	const summary = results.violations.map(
		(v) =>
			`${v.id} (${v.impact}): ${v.help}\n` +
			v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')
	);
	expect(summary, `axe violations on ${what} (${page.url()})`).toEqual([]);
	// An empty pass list would mean axe did not run at all (e.g. blocked by the page's CSP).
	expect(results.passes.length, `axe ran on ${what}`).toBeGreaterThan(0);
}

/** A case's id by reference, from the signed-in user's case list. */
export async function caseId(page: Page, reference: string): Promise<string> {
	const response = await page.request.get('/api/cases');
	expect(response.status()).toBe(200);
	const cases = (await response.json()) as { id: string; reference: string }[];
	const found = cases.find((c) => c.reference === reference);
	expect(found, `${reference} is visible`).toBeTruthy();
	return found!.id;
}

/** A second person in their own browser context, watched like the default page. */
export async function secondUser(browser: Browser, baseURL: string | undefined, email: string) {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	const problems = await watchPage(page);
	await signIn(page, email);
	return { context, page, problems };
}

export function expectClean(problems: PageProblems) {
	expect(problems.csp, 'Content-Security-Policy violations').toEqual([]);
	expect(problems.errors, 'uncaught errors in the page').toEqual([]);
}

export async function openCase(page: Page, id: string) {
	await page.goto(`/cases/${id}`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	// Every compartment connected and loaded before anyone types.
	await expect(page.getByText('Connecting…')).toHaveCount(0);
	await expect(page.getByText('Loading the latest version…')).toHaveCount(0);
}

/** yyyy-mm-dd of a day from now (the UK date is the same at the times these tests run, or later). */
/**
 * Waits until the page is hydrated (the root layout marks it): text typed into a form before
 * that can be replaced when Svelte takes the server-rendered page over.
 */
export async function hydrated(page: Page): Promise<void> {
	await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
}

export function dayFromNow(days: number): string {
	return new Date(Date.now() + days * 24 * 3_600_000).toISOString().slice(0, 10);
}

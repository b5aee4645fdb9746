/**
 * The pathway components rendered on the server: alerts say their level in words (not colour
 * alone), and the editor offers every group of DESIGN §3, locked for a reader.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import PathwayAlerts from '../../src/lib/components/pathway/pathway-alerts.svelte';
import PathwayEditor from '../../src/lib/components/pathway/pathway-editor.svelte';
import { LiveDocument } from '../../src/lib/sync/live-document.svelte.ts';
import { pathwayStatus } from '../../src/lib/pathway/rules.ts';

describe('pathway alerts', () => {
	it('spells out the level and the NRM stage, and escapes text', () => {
		const status = pathwayStatus(
			{
				fields: {
					interpreterNeeded: 'yes',
					preferredLanguage: '<b>Tigrinya</b>',
					nrmReferralDate: '2026-11-02'
				},
				appointments: []
			},
			'2026-11-28'
		);
		const { body } = render(PathwayAlerts, { props: { status } });
		expect(body).toContain('Awaiting reasonable-grounds decision');
		expect(body).toMatch(
			/<strong>Urgent:<\/strong>\s*Reasonable-grounds decision \d+ days overdue/
		);
		expect(body).toMatch(/<strong>Check:<\/strong>\s*Interpreter needed: &lt;b>Tigrinya/);
		expect(body).not.toContain('<b>Tigrinya');
	});

	it('says when there is nothing to raise', () => {
		const { body } = render(PathwayAlerts, {
			props: { status: { stage: 'not_referred', alerts: [] } }
		});
		expect(body).toContain('No alerts.');
		expect(body).toContain('Not referred to the NRM');
	});
});

describe('pathway editor', () => {
	const CASE = '00000000-0000-4000-8000-0000000000c1';
	it('has every group as a fieldset, disabled until loaded and for readers', () => {
		const live = new LiveDocument({
			name: `case:${CASE}:pathway`,
			access: 'read',
			caseId: CASE,
			connect: false,
			url: 'ws://127.0.0.1:9/sync'
		});
		const { body } = render(PathwayEditor, { props: { live } });
		for (const legend of [
			'Language and interpreter',
			'National Referral Mechanism',
			'Support',
			'Asylum',
			'Health access',
			'Self-identification'
		])
			expect(body).toContain(`>${legend}</legend>`);
		expect(body.match(/<fieldset[^>]* disabled/g)?.length).toBe(6);
		expect(body).toContain('Never use a companion or family member as interpreter');
		expect(body).not.toContain('Add appointment');
		live.destroy();
	});
});

/**
 * The pathway components rendered on the server: alerts say their level in words (not colour
 * alone), and the editor offers every group of DESIGN §3, locked for a reader.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import PathwayAlerts from '../../src/lib/components/pathway/pathway-alerts.svelte';
import PathwayEditor from '../../src/lib/components/pathway/pathway-editor.svelte';
import CasePathwayAlerts from '../../src/lib/components/meetings/case-pathway-alerts.svelte';
import { caseAlerts } from '../../src/lib/pathway/case-alerts.ts';
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

describe('the live meeting strip', () => {
	// Referred 2 Nov with no decision (RG overdue), not registered with a GP, waiting for a
	// mental-health assessment, two third-party cancellations, and an interpreter.
	const alerts = caseAlerts(
		{
			caseId: 'c1',
			reference: 'DEMO-0008',
			fields: {
				interpreterNeeded: 'yes',
				preferredLanguage: 'Vietnamese',
				nrmReferralDate: '2026-11-02',
				gpRegistered: 'no',
				mentalHealthReferredOn: '2026-10-01'
			},
			appointments: [
				{ id: 'a', date: '2026-11-01', service: 'GP', outcome: 'cancelled_by_someone_else' },
				{ id: 'b', date: '2026-11-10', service: 'Dentist', outcome: 'cancelled_by_someone_else' }
			],
			caseInterpreterLanguage: 'Vietnamese'
		},
		'2026-11-28'
	);

	it('shows the urgent alerts with their level in words, the next deadline, and counts the rest', () => {
		const { body } = render(CasePathwayAlerts, {
			props: { alerts, pathwayHref: '#pathway', interpreterShown: true, max: 2 }
		});
		expect(body).toContain('Awaiting reasonable-grounds decision');
		expect(body).toMatch(
			/<strong>Urgent:<\/strong>\s*Reasonable-grounds decision \d+ days overdue/
		);
		expect(body).toMatch(/<strong>Urgent:<\/strong>\s*2 appointments cancelled by someone else/);
		// Referred Monday 2 November: due five working days later, now overdue.
		expect(body).toMatch(
			/Reasonable-grounds decision due: 2026-11-09,\s*<span[^>]*>19 days ago \(overdue\)<\/span>/
		);
		// Two warnings left (GP, mental health); the interpreter alert is on the strip's own line.
		expect(body).not.toContain('Interpreter needed');
		expect(body).toMatch(/<a href="#pathway">2 more alerts in the pathway<\/a>/);
	});

	it('keeps the interpreter alert when the strip does not name the language', () => {
		const { body } = render(CasePathwayAlerts, {
			props: { alerts, pathwayHref: '#pathway', max: 5 }
		});
		expect(body).toMatch(/<strong>Check:<\/strong>\s*Interpreter needed: Vietnamese/);
		expect(body).not.toContain('more alert');
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

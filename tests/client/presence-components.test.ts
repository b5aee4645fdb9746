/**
 * The presence and connection-status components, rendered on the server: identity fields are
 * text (never markup), and the status region is always present and says why editing stopped.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import PresenceList from '../../src/lib/components/presence-list.svelte';
import ConnectionStatus from '../../src/lib/components/connection-status.svelte';
import { STOP_REASONS } from '../../src/lib/sync/live-document.svelte.ts';

describe('presence-list', () => {
	it('lists names, agencies and roles as text under a heading', () => {
		const { body } = render(PresenceList, {
			props: {
				people: [
					{ clientId: 1, name: 'Pat Police', agency: 'Demo Police', role: 'agency_rep' },
					{ clientId: 2, name: '<img src=x onerror=alert(1)>', agency: null, role: null }
				]
			}
		});
		expect(body).toMatch(
			/<section aria-labelledby="([^"]+)-title"[^>]*>\s*(?:<!--[^>]*-->\s*)*<h2 id="\1-title"/
		);
		expect(body).toContain('Also viewing');
		expect(body).toContain('Pat Police');
		expect(body).toContain('(Demo Police, Agency representative)');
		expect(body).not.toContain('<img');
		expect(body).toContain('&lt;img src=x onerror=alert(1)>');
		expect(body).toContain('aria-live="polite"');
	});

	it('takes the heading level of the page it is on', () => {
		const { body } = render(PresenceList, { props: { people: [], level: 3, title: 'Here' } });
		expect(body).toMatch(/<h3 id="[^"]+-title"[^>]*>Here/);
		expect(body).not.toContain('<h2');
	});

	it('says when nobody else is there', () => {
		const { body } = render(PresenceList, { props: { people: [] } });
		expect(body).toContain('Nobody else has this open.');
		expect(body).not.toContain('<li');
	});
});

describe('connection-status', () => {
	const state = (over: Partial<Record<string, unknown>>) => ({
		status: 'connected' as const,
		synced: true,
		readOnly: false,
		stopReason: null,
		...over
	});

	it('is a status region that tells a reader they cannot change the document', () => {
		const { body } = render(ConnectionStatus, { props: { live: state({ readOnly: true }) } });
		expect(body).toContain('role="status"');
		expect(body).toContain('You can read this but not change it.');
	});

	it('shows why live editing stopped', () => {
		const { body } = render(ConnectionStatus, {
			props: {
				live: state({ status: 'stopped', synced: false, stopReason: STOP_REASONS.sessionEnded })
			}
		});
		expect(body).toContain('role="status"');
		expect(body).toContain('Live editing has stopped.');
		expect(body).toContain(STOP_REASONS.sessionEnded);
	});
});

/**
 * The bar chart rendered on the server: a long label is drawn whole, on two lines, and the chart
 * still names every figure in words (its accessible name) and in its table.
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import BarChart from '../../src/lib/components/bar-chart.svelte';

const LONG = 'Appointments cancelled by someone else (2+ in 90 days)';

describe('bar chart', () => {
	it('wraps a long label instead of cutting it off, and grows to fit', () => {
		const props = {
			title: 'Open health-access barriers',
			unit: 'people',
			bars: [
				{ key: 'no_gp', label: 'Not registered with a GP', value: 1 },
				{ key: 'third', label: LONG, value: 2 }
			]
		};
		const { body } = render(BarChart, { props });
		const tspans = [...body.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
		expect(tspans).toEqual([
			'Not registered with a GP',
			'Appointments cancelled by someone',
			'else (2+ in 90 days)'
		]);
		// 34 for the one-line row, 44 for the two-line one, 8 below.
		expect(body).toContain('viewBox="0 0 640 86"');
		expect(body).toContain(
			`aria-label="Open health-access barriers. Not registered with a GP: 1 people; ${LONG}: 2 people"`
		);
		expect(body).toMatch(new RegExp(`<th scope="row"[^>]*>${LONG.replace(/[()+]/g, '\\$&')}</th>`));
	});
});

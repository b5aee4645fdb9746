/**
 * The bar chart's label wrapping: long labels are split between words onto lines that fit the
 * label column (never cut off), over-long words are hyphenated, and rows grow to fit.
 */
import { describe, expect, it } from 'vitest';
import { layoutRows, textWidth, wrapLabel } from '../../src/lib/components/bar-chart-layout.ts';

const LONG = 'Appointments cancelled by someone else (2+ in 90 days)';

describe('wrapLabel', () => {
	it('keeps a short label on one line', () => {
		expect(wrapLabel('Not registered with a GP', 248, 13)).toEqual(['Not registered with a GP']);
	});

	it('wraps a long label between words, every word kept and every line within the width', () => {
		const lines = wrapLabel(LONG, 248, 13);
		expect(lines.length).toBe(2);
		expect(lines.join(' ')).toBe(LONG);
		for (const line of lines) expect(textWidth(line, 13)).toBeLessThanOrEqual(248);
	});

	it('hyphenates a word longer than a line rather than cutting it off', () => {
		const word = 'Supercalifragilisticexpialidocious';
		const lines = wrapLabel(`A ${word}`, 80, 13);
		expect(lines[0]).toBe('A');
		expect(lines.slice(1).every((l, i, all) => i === all.length - 1 || l.endsWith('-'))).toBe(true);
		expect(lines.slice(1).join('').replaceAll('-', '')).toBe(word);
		for (const line of lines) expect(textWidth(line, 13)).toBeLessThanOrEqual(80);
	});

	it('handles empty and spaced-out labels', () => {
		expect(wrapLabel('', 248, 13)).toEqual([]);
		expect(wrapLabel('  Police   (Q1) ', 248, 13)).toEqual(['Police (Q1)']);
	});

	it('estimates wide letters wider than narrow ones', () => {
		expect(textWidth('MMMM', 13)).toBeGreaterThan(textWidth('iiii', 13));
		expect(textWidth('', 13)).toBe(0);
	});
});

describe('layoutRows', () => {
	const opts = { maxWidth: 248, fontSize: 13, lineHeight: 16, minHeight: 34, padding: 6 };

	it('gives one-line rows the minimum height, stacked', () => {
		const { rows, height } = layoutRows(['Police', 'Health'], opts);
		expect(rows.map((r) => [r.y, r.height, r.middle])).toEqual([
			[0, 34, 17],
			[34, 34, 51]
		]);
		expect(height).toBe(68);
		// The single line's baseline sits just below the row's middle.
		expect(rows[0]!.firstBaseline).toBe(21);
	});

	it('grows the row of a wrapped label and moves the next one down', () => {
		const { rows, height } = layoutRows([LONG, 'Police'], opts);
		expect(rows[0]!.lines).toHaveLength(2);
		expect(rows[0]!.height).toBe(2 * 16 + 2 * 6);
		expect(rows[1]!.y).toBe(44);
		expect(height).toBe(44 + 34);
		// Both lines inside the row: the first baseline after its top, the last before its end.
		expect(rows[0]!.firstBaseline).toBeGreaterThan(rows[0]!.y + 6);
		expect(rows[0]!.firstBaseline + 16).toBeLessThan(rows[0]!.y + rows[0]!.height);
	});
});

import { describe, expect, it } from 'vitest';
import { csv, csvField, median, suppress } from '../../src/lib/stats/index.ts';

describe('small-number suppression', () => {
	it.each([
		[0, '0'],
		[1, '<5'],
		[4, '<5'],
		[5, '5'],
		[120, '120']
	])('%d → %s', (n, shown) => expect(suppress(n)).toBe(shown));
});

describe('median', () => {
	it('odd, even and empty lists', () => {
		expect(median([526, 13, 90])).toBe(90);
		expect(median([10, 20, 30, 40])).toBe(25);
		expect(median([])).toBeNull();
	});
});

describe('CSV', () => {
	it('quotes separators and neutralises spreadsheet formulas in text, not in numbers', () => {
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField(-5)).toBe('-5');
		expect(csvField(null)).toBe('');
		expect(
			csv([
				['a', 1],
				['b', '<5']
			])
		).toBe('a,1\r\nb,<5\r\n');
	});
});

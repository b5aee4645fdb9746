import { describe, expect, it } from 'vitest';
import { fromLondonLocal, toLondonLocal } from '../../src/lib/london-time.ts';

describe('UK local date-times', () => {
	it('reads winter times as UTC and summer times as UTC+1', () => {
		expect(fromLondonLocal('2026-12-24T17:00')?.toISOString()).toBe('2026-12-24T17:00:00.000Z');
		expect(fromLondonLocal('2026-07-01T09:30')?.toISOString()).toBe('2026-07-01T08:30:00.000Z');
	});

	it('round-trips with toLondonLocal', () => {
		for (const iso of ['2026-03-29T00:59:00Z', '2026-03-29T01:00:00Z', '2026-10-25T12:00:00Z']) {
			const local = toLondonLocal(new Date(iso));
			expect(fromLondonLocal(local)?.toISOString()).toBe(new Date(iso).toISOString());
		}
	});

	it('refuses malformed input and times that do not exist', () => {
		expect(fromLondonLocal('2026-02-30T10:00')).toBeNull();
		expect(fromLondonLocal('24/12/2026 17:00')).toBeNull();
		expect(fromLondonLocal('')).toBeNull();
		// The clocks go forward at 01:00 on 29 March 2026: 01:30 never happens.
		expect(fromLondonLocal('2026-03-29T01:30')).toBeNull();
	});
});

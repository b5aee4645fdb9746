import { describe, expect, it } from 'vitest';
import {
	ACTION_STATUSES,
	ACTION_STATUS_TEXT,
	checkStatusChange,
	nextStatuses,
	NOTE_MAX,
	type ActionStatus
} from '../../src/lib/action-status.ts';

const rep = { mayReopen: false };
const coordinator = { mayReopen: true };
const FINAL: ActionStatus[] = ['done', 'not_possible', 'not_done'];

describe('action status transitions', () => {
	it('labels every status, telling "not possible" from "not done"', () => {
		for (const s of ACTION_STATUSES) expect(ACTION_STATUS_TEXT[s]).toBeTruthy();
		expect(ACTION_STATUS_TEXT.not_possible).toMatch(/circumstances changed/);
		expect(ACTION_STATUS_TEXT.not_done).toMatch(/agency/);
	});

	it('moves freely between open and in progress', () => {
		expect(checkStatusChange('open', 'in_progress', '', rep)).toBeNull();
		expect(checkStatusChange('in_progress', 'open', '', rep)).toBeNull();
	});

	it('closes an outstanding action as done without a note', () => {
		expect(checkStatusChange('open', 'done', '', rep)).toBeNull();
		expect(checkStatusChange('in_progress', 'done', 'Alarm fitted', rep)).toBeNull();
	});

	it.each(['not_possible', 'not_done'] as const)('needs a note saying why for %s', (to) => {
		expect(checkStatusChange('open', to, '', rep)).toMatchObject({ field: 'note' });
		expect(checkStatusChange('open', to, '   ', rep)).toMatchObject({ field: 'note' });
		expect(checkStatusChange('open', to, 'She moved to another area', rep)).toBeNull();
	});

	it('keeps the status with a progress note, but not without one', () => {
		expect(checkStatusChange('in_progress', 'in_progress', 'Called twice', rep)).toBeNull();
		expect(checkStatusChange('in_progress', 'in_progress', '', rep)).toMatchObject({
			field: 'note'
		});
	});

	it.each(FINAL)('treats %s as final for everyone but the coordinator', (from) => {
		for (const to of ACTION_STATUSES) {
			expect(checkStatusChange(from, to, 'a reason', rep)).toMatchObject({ field: 'status' });
		}
		expect(nextStatuses(from, rep)).toEqual([]);
	});

	it.each(FINAL)('lets the coordinator reopen %s, and only reopen it', (from) => {
		expect(checkStatusChange(from, 'open', '', coordinator)).toBeNull();
		expect(checkStatusChange(from, 'in_progress', '', coordinator)).toBeNull();
		for (const to of FINAL) {
			expect(checkStatusChange(from, to, 'a reason', coordinator)).toMatchObject({
				field: 'status'
			});
		}
		expect(nextStatuses(from, coordinator)).toEqual(['open', 'in_progress']);
	});

	it('offers every status for an outstanding action', () => {
		expect(nextStatuses('open', rep)).toEqual([...ACTION_STATUSES]);
		expect(nextStatuses('in_progress', coordinator)).toEqual([...ACTION_STATUSES]);
	});

	it('refuses a note that is too long', () => {
		expect(checkStatusChange('open', 'done', 'x'.repeat(NOTE_MAX + 1), rep)).toMatchObject({
			field: 'note'
		});
	});

	it('agrees with nextStatuses on every pair', () => {
		for (const rights of [rep, coordinator]) {
			for (const from of ACTION_STATUSES) {
				const allowed = nextStatuses(from, rights);
				for (const to of ACTION_STATUSES) {
					const problem = checkStatusChange(from, to, 'a note', rights);
					expect(problem === null, `${from} → ${to}`).toBe(allowed.includes(to));
				}
			}
		}
	});
});

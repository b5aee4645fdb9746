import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	caseElapsedSeconds,
	formatClock,
	markMeetingEnded,
	meetingDoc,
	raiseItem,
	readMeetingState,
	setCurrentCase
} from '../../../src/lib/documents/shapes.ts';

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b2';
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 9, 30, s));

describe('meeting document state', () => {
	it('banks time per case as the chair moves between cases', () => {
		const doc = new Y.Doc();
		setCurrentCase(doc, A, at(0));
		expect(caseElapsedSeconds(readMeetingState(doc), A, at(90))).toBe(90);
		setCurrentCase(doc, B, at(120));
		setCurrentCase(doc, A, at(180));
		const state = readMeetingState(doc);
		expect(state.currentCaseId).toBe(A);
		expect(state.elapsed).toEqual({ [A]: 120, [B]: 60 });
		expect(caseElapsedSeconds(state, A, at(200))).toBe(140);
		expect(caseElapsedSeconds(state, B, at(200))).toBe(60);
	});

	it('stops the clock when the meeting ends', () => {
		const doc = new Y.Doc();
		setCurrentCase(doc, A, at(0));
		markMeetingEnded(doc, at(30));
		const state = readMeetingState(doc);
		expect(state.caseStartedAt).toBeNull();
		expect(state.endedAt).toBe(at(30).toISOString());
		expect(caseElapsedSeconds(state, A, at(500))).toBe(30);
	});

	it('ignores malformed values a client might write', () => {
		const doc = new Y.Doc();
		meetingDoc.state(doc).set('currentCaseId', 'not-a-case');
		meetingDoc.state(doc).set('caseStartedAt', 'yesterday');
		meetingDoc.elapsed(doc).set('nope', 5);
		meetingDoc.elapsed(doc).set(A, Number.NaN);
		raiseItem(doc, { id: '../x', caseId: A, text: 'x', by: null, at: null });
		raiseItem(doc, { id: 'r1', caseId: 'bad', text: 'Check school', by: 'u', at: null });
		const state = readMeetingState(doc);
		expect(state.currentCaseId).toBeNull();
		expect(state.caseStartedAt).toBeNull();
		expect(state.elapsed).toEqual({});
		expect(state.raised).toEqual([
			{ id: 'r1', caseId: null, text: 'Check school', by: 'u', at: null }
		]);
	});

	it('formats the clock as minutes and seconds', () => {
		expect(formatClock(510)).toBe('8:30');
		expect(formatClock(720)).toBe('12:00');
		expect(formatClock(5)).toBe('0:05');
		expect(formatClock(-3)).toBe('0:00');
	});
});

/**
 * What a document projects, as the sync hub compares it: the hub skips the database write when
 * the key is unchanged, so the key must change with everything the read model holds and with
 * nothing else.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { projectorFor } from '../../src/lib/server/documents/projections.ts';
import {
	addAction,
	agencyDoc,
	pathwayDoc,
	setActionStatus
} from '../../src/lib/documents/shapes.ts';

const caseId = '00000000-0000-4000-8000-000000000001';
const agencyId = '00000000-0000-4000-8000-000000000002';

function keyOf(name: string, doc: Y.Doc): string | undefined {
	const projector = projectorFor(name);
	if (!projector) throw new Error(`no projector for ${name}`);
	return projector.read(doc)?.key;
}

describe('projection keys', () => {
	it('an agency document: text edits keep the key, any action change moves it', () => {
		const name = `case:${caseId}:agency:${agencyId}`;
		const doc = new Y.Doc();
		const empty = keyOf(name, doc);
		addAction(doc, {
			id: 'a-1',
			text: 'Refer to the IDVA service',
			dueOn: '2026-12-01',
			status: 'open',
			createdAt: '2026-11-01T00:00:00.000Z',
			createdBy: null
		});
		const added = keyOf(name, doc);
		expect(added).not.toBe(empty);

		const paragraph = new Y.XmlElement('paragraph');
		paragraph.insert(0, [new Y.XmlText('Police attended on Tuesday.')]);
		agencyDoc.summary(doc).insert(0, [paragraph]);
		expect(keyOf(name, doc)).toBe(added);

		setActionStatus(doc, 'a-1', { status: 'in_progress', note: 'Booked', by: 'u', at: 'now' });
		const started = keyOf(name, doc);
		expect(started).not.toBe(added);

		const item = agencyDoc.actions(doc).get(0);
		item.set('dueOn', '2026-12-15');
		expect(keyOf(name, doc)).not.toBe(started);
	});

	it('a pathway document: fields and appointments move the key, other content does not', () => {
		const name = `case:${caseId}:pathway`;
		const doc = new Y.Doc();
		pathwayDoc.fields(doc).set('interpreterNeeded', 'yes');
		const first = keyOf(name, doc);

		doc.getMap('elsewhere').set('note', 'not part of the pathway');
		expect(keyOf(name, doc)).toBe(first);

		pathwayDoc.fields(doc).set('preferredLanguage', 'Tigrinya');
		const withLanguage = keyOf(name, doc);
		expect(withLanguage).not.toBe(first);

		const appointment = new Y.Map<unknown>();
		appointment.set('id', 'gp-1');
		appointment.set('date', '2026-11-20');
		appointment.set('service', 'GP');
		appointment.set('outcome', 'attended');
		pathwayDoc.appointments(doc).push([appointment]);
		expect(keyOf(name, doc)).not.toBe(withLanguage);
	});

	it('documents without a read model have no projector', () => {
		expect(projectorFor(`case:${caseId}:plan`)).toBeNull();
	});
});

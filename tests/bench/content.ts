/**
 * Deterministic, realistic Yjs content for the benchmark: case documents typed in bursts by a few
 * authors (paragraphs, insertions mid-text, deletions, actions with status history), and the
 * update log of one long editing session.
 */
import * as Y from 'yjs';
import { addAction, agencyDoc, planDoc, setActionStatus } from '../../src/lib/documents/shapes.ts';

/** mulberry32: a small seeded PRNG, so every run builds the same documents. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = (
	'victim reported that the perpetrator returned to the address on several occasions and made ' +
	'threats to kill children present police attended and completed DASH risk assessment high risk ' +
	'referral made to IDVA service safety planning discussed including panic alarm target hardening ' +
	'housing options explored health visitor aware GP informed of disclosure school safeguarding lead ' +
	'notified bail conditions non molestation order application supported by IDVA mental health team ' +
	'reviewing medication substance misuse service offered appointment probation supervising ' +
	'perpetrator on licence conditions include no contact exclusion zone multi agency plan agreed ' +
	'review at next meeting escalation if further incidents flag and tag on police systems'
).split(' ');

function phrase(rand: () => number, words: number): string {
	const out: string[] = [];
	for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
	return out.join(' ') + (rand() < 0.2 ? '. ' : ' ');
}

function paragraph(fragment: Y.XmlFragment): Y.XmlText {
	const p = new Y.XmlElement('paragraph');
	const text = new Y.XmlText();
	p.insert(0, [text]);
	fragment.push([p]);
	return text;
}

/** Types into rich-text fields in bursts by several authors until the document is ~targetBytes. */
function typeInto(
	doc: Y.Doc,
	fields: Y.XmlFragment[],
	rand: () => number,
	authors: number[],
	targetBytes: number
) {
	const paragraphs: Y.XmlText[] = [];
	let typed = 0;
	let round = 0;
	// Encoded size is checked now and then, once the text typed nears the target (encoding is the
	// expensive part).
	while (true) {
		round += 1;
		if (typed > targetBytes * 0.7 && round % 25 === 0) {
			if (Y.encodeStateAsUpdate(doc).byteLength >= targetBytes) break;
		}
		doc.clientID = authors[Math.floor(rand() * authors.length)]!;
		doc.transact(() => {
			const roll = rand();
			if (paragraphs.length === 0 || roll < 0.06) {
				const field = fields[Math.floor(rand() * fields.length)]!;
				const text = paragraph(field);
				const words = phrase(rand, 3 + Math.floor(rand() * 6));
				text.insert(0, words);
				paragraphs.push(text);
				typed += words.length;
				return;
			}
			const text = paragraphs[Math.floor(rand() * paragraphs.length)]!;
			if (roll < 0.14 && text.length > 20) {
				// Corrections: a few characters removed somewhere in the paragraph.
				const at = Math.floor(rand() * (text.length - 10));
				text.delete(at, 1 + Math.floor(rand() * 8));
			} else if (roll < 0.3) {
				const words = phrase(rand, 1 + Math.floor(rand() * 3));
				text.insert(Math.floor(rand() * text.length), words);
				typed += words.length;
			} else {
				const words = phrase(rand, 3 + Math.floor(rand() * 6));
				text.insert(text.length, words);
				typed += words.length;
			}
		});
	}
}

export type TypicalKind = 'plan' | 'agency';

/**
 * The stored state of a typical case document of roughly `targetBytes` (encoded): a plan (four
 * rich-text sections and risk flags) or an agency compartment (research summary and actions).
 */
export function typicalDocument(kind: TypicalKind, seed: number, targetBytes: number): Uint8Array {
	const rand = prng(seed);
	const doc = new Y.Doc();
	const authors = Array.from({ length: 4 }, (_, i) => 1_000_000 + seed * 10 + i);
	if (kind === 'plan') {
		doc.clientID = authors[0]!;
		const flags = planDoc.riskFlags(doc);
		for (const flag of ['children', 'pregnancy', 'weapons', 'strangulation', 'stalking'])
			flags.set(flag, rand() < 0.5);
		typeInto(
			doc,
			[
				planDoc.riskSummary(doc),
				planDoc.victimVoice(doc),
				planDoc.safetyPlan(doc),
				planDoc.decisions(doc)
			],
			rand,
			authors,
			targetBytes
		);
	} else {
		doc.clientID = authors[0]!;
		const count = 5 + Math.floor(rand() * 10);
		for (let i = 0; i < count; i++) {
			addAction(doc, {
				id: `a${seed}-${i}`,
				text: phrase(rand, 8 + Math.floor(rand() * 12)),
				dueOn: '2026-12-01',
				status: 'open',
				createdAt: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
				createdBy: 'bench'
			});
			if (rand() < 0.6) {
				setActionStatus(doc, `a${seed}-${i}`, {
					status: rand() < 0.5 ? 'in_progress' : 'done',
					note: phrase(rand, 6),
					by: 'bench',
					at: new Date(Date.UTC(2026, 10, 10 + i)).toISOString()
				});
			}
		}
		typeInto(doc, [agencyDoc.summary(doc)], rand, authors, targetBytes);
	}
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

/**
 * The log of one editing session as stored update rows: `count` real Yjs updates of about
 * `bytesEach` bytes each (a paragraph typed or pasted per update, with occasional corrections),
 * from two authors, into a plan document.
 */
export function editingLog(count: number, bytesEach: number, seed: number): Uint8Array[] {
	const rand = prng(seed);
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const fields = [planDoc.riskSummary(doc), planDoc.safetyPlan(doc), planDoc.decisions(doc)];
	const paragraphs: Y.XmlText[] = [];
	const authors = [2_000_000 + seed * 10, 2_000_001 + seed * 10];
	while (updates.length < count) {
		doc.clientID = authors[updates.length % 2]!;
		doc.transact(() => {
			let text: Y.XmlText;
			if (paragraphs.length === 0 || rand() < 0.3) {
				text = paragraph(fields[Math.floor(rand() * fields.length)]!);
				paragraphs.push(text);
			} else text = paragraphs[Math.floor(rand() * paragraphs.length)]!;
			let chunk = '';
			while (chunk.length < bytesEach - 40) chunk += phrase(rand, 4);
			chunk = chunk.slice(0, bytesEach - 40);
			if (rand() < 0.1 && text.length > 40) text.delete(Math.floor(rand() * 20), 10);
			text.insert(rand() < 0.8 ? text.length : Math.floor(rand() * text.length), chunk);
		});
	}
	doc.destroy();
	return updates.slice(0, count);
}

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { INLINE_MAX_BYTES, admitInline } from '../../../server/sync/admission.ts';
import {
	GARBAGE_479,
	RUN_LENGTH_687,
	ZERO_LENGTH_498,
	absurdLengths,
	clockPoison,
	conflictItems,
	deleteSetPoison,
	randomBuffers,
	truncations,
	validUpdate
} from '../../integration/fixtures/yjs-hostile.ts';

/** A server document and a client in sync with it; `edit` returns the update the client sends. */
function pair(setup?: (doc: Y.Doc) => void) {
	const server = new Y.Doc();
	const client = new Y.Doc();
	if (setup) {
		const seed = new Y.Doc();
		setup(seed);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(seed));
	}
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	const edit = (change: (doc: Y.Doc) => void, on = client): Uint8Array => {
		const updates: Uint8Array[] = [];
		const record = (u: Uint8Array) => updates.push(u);
		on.on('update', record);
		on.transact(() => change(on));
		on.off('update', record);
		expect(updates).toHaveLength(1);
		return updates[0]!;
	};
	return { server, client, edit };
}

/** Admits `update` against `server` and applies it; the states must then agree with `client`. */
function admitAndApply(server: Y.Doc, update: Uint8Array, client: Y.Doc) {
	const admitted = admitInline(server, update);
	expect(admitted).not.toBeNull();
	Y.applyUpdate(server, update);
	expect(server.store.pendingStructs).toBeNull();
	expect(server.store.pendingDs).toBeNull();
	expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(client));
	return admitted!;
}

describe('inline admission: what real clients send is admitted', () => {
	it('typing, inserting in the middle, formatting and deleting in text', () => {
		const { server, client, edit } = pair((d) => d.getText('t').insert(0, 'hello world'));
		const t = client.getText('t');
		let admitted = admitAndApply(
			server,
			edit(() => t.insert(11, '!')),
			client
		);
		expect(admitted.clients).toEqual([client.clientID]);
		admitAndApply(
			server,
			edit(() => t.insert(5, ',')),
			client
		);
		admitAndApply(
			server,
			edit(() => t.format(0, 5, { bold: true })),
			client
		);
		admitAndApply(
			server,
			edit(() => t.insert(3, 'ünï 😀', { italic: true })),
			client
		);
		admitted = admitAndApply(
			server,
			edit(() => t.delete(2, 6)),
			client
		);
		expect(admitted.structs).toBe(0);
		admitAndApply(
			server,
			edit(() => t.insert(0, 'start ')),
			client
		);
		expect(server.getText('t').toDelta()).toEqual(client.getText('t').toDelta());
	});

	it('setting new and existing map keys, pushing a map of fields onto an array (an action)', () => {
		const { server, client, edit } = pair((d) => d.getMap('m').set('status', 'open'));
		const m = client.getMap('m');
		admitAndApply(
			server,
			edit(() => m.set('status', 'done')),
			client
		);
		admitAndApply(
			server,
			edit(() => m.set('owner', 'Police')),
			client
		);
		const actions = client.getArray<Y.Map<unknown>>('actions');
		for (let i = 0; i < 3; i++) {
			admitAndApply(
				server,
				edit(() => {
					const action = new Y.Map<unknown>();
					action.set('text', `Action ${i}`);
					action.set('due', '2026-12-24');
					action.set('done', false);
					action.set('tags', ['a', { b: 1.5, c: null }]);
					actions.push([action]);
				}),
				client
			);
		}
		admitAndApply(
			server,
			edit(() => actions.get(1).set('done', true)),
			client
		);
		admitAndApply(
			server,
			edit(() => actions.delete(0, 1)),
			client
		);
		expect(server.getArray('actions').toJSON()).toEqual(actions.toJSON());
	});

	it('rich text as y-prosemirror writes it: paragraphs with marked text in an XML fragment', () => {
		const { server, client, edit } = pair();
		const fragment = client.getXmlFragment('plan');
		admitAndApply(
			server,
			edit(() => {
				const p = new Y.XmlElement('paragraph');
				const text = new Y.XmlText();
				p.insert(0, [text]);
				fragment.insert(0, [p]);
				text.insert(0, 'Safety plan');
				text.format(0, 6, { strong: {} });
			}),
			client
		);
		const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
		admitAndApply(
			server,
			edit(() => text.insert(11, ' agreed')),
			client
		);
		admitAndApply(
			server,
			edit(() => {
				const p = new Y.XmlElement('heading');
				p.setAttribute('level', '3');
				p.insert(0, [new Y.XmlText('Next steps')]);
				fragment.insert(1, [p]);
			}),
			client
		);
		expect(server.getXmlFragment('plan').toString()).toBe(fragment.toString());
	});
});

describe('inline admission: anything else goes to the decode worker', () => {
	const doc = () => {
		const d = new Y.Doc();
		d.getText('t').insert(0, 'existing text in the document');
		return d;
	};

	it('the regression corpus', () => {
		const d = doc();
		const victim = d.clientID;
		const payloads = [
			GARBAGE_479,
			ZERO_LENGTH_498,
			RUN_LENGTH_687,
			clockPoison(victim),
			clockPoison(victim, Y.getState(d.store, victim)),
			clockPoison(424242, 0),
			deleteSetPoison(victim, Y.getState(d.store, victim)),
			deleteSetPoison(victim, 0, 2 ** 40),
			...truncations(validUpdate(77)),
			...absurdLengths(77).map((a) => a.update)
		];
		const before = Y.encodeStateAsUpdate(d);
		for (const payload of payloads) expect(admitInline(d, payload)).toBeNull();
		expect(Y.encodeStateAsUpdate(d)).toEqual(before); // checking never changes the document
	});

	it('items that YATA would have to scan past: inserted between items that are not adjacent', () => {
		const d = doc();
		const victim = d.clientID;
		// Between the first and the last character: 28 characters lie between them.
		const wide = conflictItems(99, 1, { client: victim, clock: 0 }, { client: victim, clock: 28 });
		expect(admitInline(d, wide)).toBeNull();
		// Adjacent, once: admitted; the same neighbours twice in one update: the second would scan.
		const once = conflictItems(99, 1, { client: victim, clock: 0 }, { client: victim, clock: 1 });
		expect(admitInline(d, once)).not.toBeNull();
		const twice = conflictItems(99, 2, { client: victim, clock: 0 }, { client: victim, clock: 1 });
		expect(admitInline(d, twice)).toBeNull();
	});

	it('a concurrent edit: a client that has not yet seen another insert at the same place', () => {
		const { server, client, edit } = pair((d) => d.getText('t').insert(0, 'abc'));
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
		const first = edit((d) => d.getText('t').insert(1, 'X'), other);
		admitAndApply(server, first, other);
		const concurrent = edit(() => client.getText('t').insert(1, 'Y'));
		expect(admitInline(server, concurrent)).toBeNull();
		// The worker's way applies it; the result converges.
		Y.applyUpdate(server, concurrent);
		Y.applyUpdate(client, first);
		expect(server.getText('t').toString()).toBe(client.getText('t').toString());
	});

	it('a gap in the client’s clock, updates it depends on still missing, a second client block', () => {
		const { server, client, edit } = pair();
		const t = client.getText('t');
		const first = edit(() => t.insert(0, 'one'));
		const second = edit(() => t.insert(3, ' two'));
		expect(admitInline(server, second)).toBeNull(); // the first has not arrived
		Y.applyUpdate(server, first);
		expect(admitInline(server, second)).not.toBeNull();
		// A new client's first item, into a new root type: at clock 0 it is admitted, at clock 5 not
		// (it would wait as pending, and move that client's clock on: poisoning).
		const firstItem = (clock: number) =>
			Uint8Array.from([1, 1, 77, clock, 4, 1, 1, 'n'.charCodeAt(0), 1, 'x'.charCodeAt(0), 0]);
		expect(admitInline(server, firstItem(0))).not.toBeNull();
		expect(admitInline(server, firstItem(5))).toBeNull();
		const other = new Y.Doc();
		other.getText('t').insert(0, 'elsewhere');
		const merged = Y.mergeUpdates([second, Y.encodeStateAsUpdate(other)]);
		expect(admitInline(server, merged)).toBeNull();
	});

	it('oversized updates, garbage-collected structs, padding and overlapping delete ranges', () => {
		const { server, client, edit } = pair((d) => d.getText('t').insert(0, 'x'.repeat(100)));
		const big = edit(() => client.getText('t').insert(0, 'y'.repeat(INLINE_MAX_BYTES)));
		expect(admitInline(server, big)).toBeNull();
		// One client block (client 5, clock 0) holding one GC struct of length 4, no deletes.
		expect(admitInline(new Y.Doc(), Uint8Array.from([1, 1, 5, 0, 0, 4, 0]))).toBeNull();
		const del = edit(() => client.getText('t').delete(10, 5));
		expect(admitInline(server, Uint8Array.from([...del, 0]))).toBeNull();
		// Delete set of the seed's client: one range [10, 15), then the same range again.
		const seedClient = [...server.store.clients.keys()][0]!;
		const overlapping = Uint8Array.from([0, 1, ...varUint(seedClient), 2, 10, 5, 12, 5]);
		expect(admitInline(server, overlapping)).toBeNull();
		const disjoint = Uint8Array.from([0, 1, ...varUint(seedClient), 2, 10, 5, 20, 5]);
		expect(admitInline(server, disjoint)).not.toBeNull();
	});

	it('property: random frames are never admitted unless yjs applies them without anything pending', () => {
		const d = doc();
		const base = Y.encodeStateAsUpdate(d);
		for (const bytes of randomBuffers(7, 3000, 64)) {
			const admitted = admitInline(d, bytes);
			if (!admitted) continue;
			const copy = new Y.Doc();
			Y.applyUpdate(copy, base);
			Y.applyUpdate(copy, bytes);
			expect(copy.store.pendingStructs).toBeNull();
			expect(copy.store.pendingDs).toBeNull();
		}
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(40), (junk, at) => {
				const update = validUpdate(55);
				const mutated = Uint8Array.from(update);
				mutated.set(
					junk.subarray(0, Math.max(0, mutated.length - at)),
					Math.min(at, mutated.length)
				);
				const admitted = admitInline(d, mutated);
				if (!admitted) return;
				const copy = new Y.Doc();
				Y.applyUpdate(copy, base);
				Y.applyUpdate(copy, mutated);
				expect(copy.store.pendingStructs).toBeNull();
				expect(copy.store.pendingDs).toBeNull();
			}),
			{ numRuns: 2000, seed: 42 }
		);
	});

	it('property: edits of three clients synced in random order converge, admitted or not', () => {
		let admittedCount = 0;
		let total = 0;
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						who: fc.nat(2),
						pos: fc.nat(1000),
						len: fc.nat(5),
						text: fc.string({ minLength: 1, maxLength: 4 }),
						deliver: fc.boolean()
					}),
					{ minLength: 1, maxLength: 40 }
				),
				(steps) => {
					const server = new Y.Doc();
					const clients = [0, 1, 2].map(() => new Y.Doc());
					const outbox: Uint8Array[][] = [[], [], []];
					clients.forEach((c, i) => c.on('update', (u: Uint8Array) => outbox[i]!.push(u)));
					const flush = (i: number) => {
						for (const u of outbox[i]!.splice(0)) {
							total += 1;
							if (admitInline(server, u)) admittedCount += 1;
							Y.applyUpdate(server, u);
						}
						Y.applyUpdate(clients[i]!, Y.encodeStateAsUpdate(server));
						outbox[i]!.length = 0; // what the client just received it already has
					};
					for (const s of steps) {
						const t = clients[s.who]!.getText('t');
						const pos = s.pos % (t.length + 1);
						if (s.len > 0 && t.length > pos) t.delete(pos, Math.min(s.len, t.length - pos));
						else t.insert(pos, s.text);
						if (s.deliver) flush(s.who);
					}
					[0, 1, 2].forEach(flush);
					[0, 1, 2].forEach(flush);
					for (const c of clients)
						expect(c.getText('t').toString()).toBe(server.getText('t').toString());
					expect(server.store.pendingStructs).toBeNull();
				}
			),
			{ numRuns: 200, seed: 7 }
		);
		// Most of them (a client in step with the server) go inline, not all (concurrent edits).
		expect(admittedCount).toBeGreaterThan(total / 4);
		expect(admittedCount).toBeLessThan(total);
	});
});

function varUint(n: number): number[] {
	const out: number[] = [];
	while (n > 0x7f) {
		out.push(0x80 | (n & 0x7f));
		n = Math.floor(n / 128);
	}
	out.push(n);
	return out;
}

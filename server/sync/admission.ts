/**
 * Inline admission of small client updates: a proof, on the main thread and without decoding the
 * update through yjs, that applying it to the document costs time linear in its size. An update
 * that passes is applied without the decode worker's round trip (which costs a thread hop each
 * way and a mirror of the document in the worker); anything else (a paste, concurrent edits,
 * anything unusual or malformed) goes the worker's way as before. A `null` answer therefore
 * never refuses anything; it only means "not provably cheap here".
 *
 * The bytes are parsed by this module's own bounded reader (every length checked against the
 * bytes left, no recursion beyond a fixed depth, exact end), so the known crash and hang payloads
 * of yjs's decoder (issues #479, #498, #687) never reach yjs here. Then, against the document:
 * - one client block at most, starting exactly at the document's clock for that client and
 *   staying below 2^32: nothing waits as pending and no clock can be poisoned;
 * - every origin, right origin and parent exists (in the document or earlier in this update) and
 *   is an item, a parent being a type;
 * - every item is inserted between two neighbours that are adjacent right now (or into an empty
 *   list or a new map key), so YATA's conflict scan — quadratic when abused — has nothing to
 *   scan;
 * - delete ranges are sorted, disjoint and within what exists, so deleting is one pass.
 * Items concurrent edits insert between this check and the apply are scanned as usual; the
 * caller only admits inline when no earlier update of the document is still on its way in.
 */
import * as Y from 'yjs';

/** Yjs clocks beyond 32 bits break other implementations (yrs) and are never legitimate. */
export const MAX_CLOCK = 2 ** 32 - 1;

/** Larger updates (pastes, first syncs) go through the worker. */
export const INLINE_MAX_BYTES = 16 * 1024;
const MAX_STRUCTS = 64;
const MAX_STRUCT_LENGTH = 1 << 20;
const MAX_ANY_DEPTH = 16;

export interface Admitted {
	/** The client ids the update writes as (at most one). */
	clients: number[];
	structs: number;
}

interface Id {
	client: number;
	clock: number;
}

interface Parsed {
	start: number;
	length: number;
	origin: Id | null;
	right: Id | null;
	parentKey: string | null;
	parentId: Id | null;
	sub: string | null;
	isType: boolean;
}

const NOT_INLINE = new Error('not admissible inline');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(): never {
	throw NOT_INLINE;
}

/** The update's admission, or null when it must go through the decode worker. */
export function admitInline(doc: Y.Doc, update: Uint8Array): Admitted | null {
	if (update.byteLength > INLINE_MAX_BYTES) return null;
	try {
		return admit(doc, update);
	} catch {
		return null;
	}
}

function admit(doc: Y.Doc, b: Uint8Array): Admitted {
	let pos = 0;
	const u8 = () => {
		if (pos >= b.length) fail();
		return b[pos++]!;
	};
	const varUint = () => {
		let num = 0;
		let mult = 1;
		for (let i = 0; i < 8; i++) {
			const r = u8();
			num += (r & 0x7f) * mult;
			if (r < 0x80) {
				if (num > Number.MAX_SAFE_INTEGER) fail();
				return num;
			}
			mult *= 128;
		}
		return fail();
	};
	const skip = (n: number) => {
		if (n > b.length - pos) fail();
		pos += n;
	};
	const bytes = () => {
		const n = varUint();
		if (n > b.length - pos) fail();
		const out = b.subarray(pos, pos + n);
		pos += n;
		return out;
	};
	const string = () => utf8.decode(bytes());
	const json = () => {
		const s = string();
		if (s !== 'undefined') JSON.parse(s);
	};
	const id = (): Id => ({ client: varUint(), clock: varUint() });
	/** lib0's `readAny`, parsed (not built) to a bounded depth. */
	const any = (depth: number): void => {
		if (depth > MAX_ANY_DEPTH) fail();
		const tag = u8();
		switch (tag) {
			case 127: // undefined
			case 126: // null
			case 121: // false
			case 120: // true
				return;
			case 125: // varint: sign and six bits, then seven bits a byte
				if (u8() & 0x80) varUint();
				return;
			case 124: // float32
				return skip(4);
			case 123: // float64
			case 122: // bigint64
				return skip(8);
			case 119:
				string();
				return;
			case 118: {
				const n = varUint();
				if (n > b.length - pos) fail();
				for (let i = 0; i < n; i++) {
					string();
					any(depth + 1);
				}
				return;
			}
			case 117: {
				const n = varUint();
				if (n > b.length - pos) fail();
				for (let i = 0; i < n; i++) any(depth + 1);
				return;
			}
			case 116:
				bytes();
				return;
			default:
				return fail();
		}
	};
	/** Reads an item's content; its length in clock units and whether it is a type. */
	const content = (kind: number): { length: number; isType: boolean } => {
		switch (kind) {
			case 1: // deleted
				return { length: varUint(), isType: false };
			case 2: {
				// JSON: a count of JSON strings
				const n = varUint();
				if (n > b.length - pos) fail();
				for (let i = 0; i < n; i++) json();
				return { length: n, isType: false };
			}
			case 3: // binary
				bytes();
				return { length: 1, isType: false };
			case 4: // string
				return { length: string().length, isType: false };
			case 5: // embed
				json();
				return { length: 1, isType: false };
			case 6: // format: key, JSON value
				string();
				json();
				return { length: 1, isType: false };
			case 7: {
				// type: YArray, YMap, YText, YXmlElement (name), YXmlFragment, YXmlHook (name), YXmlText
				const ref = varUint();
				if (ref > 6) fail();
				if (ref === 3 || ref === 5) string();
				return { length: 1, isType: true };
			}
			case 8: {
				// any: a count of values
				const n = varUint();
				if (n > b.length - pos) fail();
				for (let i = 0; i < n; i++) any(0);
				return { length: n, isType: false };
			}
			default: // GC, skip and subdocuments are never inline
				return fail();
		}
	};

	const store = doc.store;
	// Anything waiting as pending is retried by every update: its cost is not this update's size.
	if (store.pendingStructs || store.pendingDs) fail();
	// --- structs: one client block at most, continuing the document's clock exactly ----------
	const blocks = varUint();
	if (blocks > 1) fail();
	let own: number | null = null;
	let ownStart = 0;
	let ownEnd = 0;
	const parsed: Parsed[] = [];
	if (blocks === 1) {
		const n = varUint();
		if (n < 1 || n > MAX_STRUCTS) fail();
		own = varUint();
		ownStart = varUint();
		if (ownStart !== Y.getState(store, own)) fail();
		let clock = ownStart;
		for (let i = 0; i < n; i++) {
			const info = u8();
			const origin = info & 0x80 ? id() : null;
			const right = info & 0x40 ? id() : null;
			const parentInfo = (info & 0xc0) === 0;
			let parentKey: string | null = null;
			let parentId: Id | null = null;
			if (parentInfo) {
				if (varUint() === 1) parentKey = string();
				else parentId = id();
			}
			const sub = parentInfo && info & 0x20 ? string() : null;
			const { length, isType } = content(info & 0x1f);
			if (length < 1 || length > MAX_STRUCT_LENGTH) fail();
			parsed.push({ start: clock, length, origin, right, parentKey, parentId, sub, isType });
			clock += length;
			if (clock > MAX_CLOCK) fail();
		}
		ownEnd = clock;
	}
	// --- delete set: sorted, disjoint ranges within what exists --------------------------------
	const dsClients = varUint();
	if (dsClients > b.length - pos) fail();
	const seen = new Set<number>();
	for (let i = 0; i < dsClients; i++) {
		const client = varUint();
		if (seen.has(client)) fail();
		seen.add(client);
		const known = client === own ? ownEnd : Y.getState(store, client);
		const ranges = varUint();
		if (ranges > b.length - pos) fail();
		let end = 0;
		for (let j = 0; j < ranges; j++) {
			const clock = varUint();
			const len = varUint();
			if (len < 1 || clock < end) fail();
			end = clock + len;
			if (end > known) fail();
		}
	}
	if (pos !== b.length) fail();

	// --- placement: every item goes between neighbours that are adjacent now -----------------
	const key = (i: Id) => `${i.client}:${i.clock}`;
	/** What this update has inserted so far: position → the next / previous position. */
	const next = new Map<string, string | null>();
	const prev = new Map<string, string | null>();
	/** Empty lists and new map keys this update has filled. */
	const filled = new Set<string>();
	let done = 0; // structs of this update placed so far
	const ownStruct = (i: Id): Parsed | null => {
		if (i.client !== own || i.clock < ownStart) return null;
		for (let k = 0; k < done; k++) {
			const s = parsed[k]!;
			if (i.clock >= s.start && i.clock < s.start + s.length) return s;
		}
		return fail(); // a later struct of this update, or beyond it
	};
	const docItem = (i: Id): Y.Item => {
		const structs = store.clients.get(i.client);
		if (!structs || i.clock >= Y.getState(store, i.client)) fail();
		const struct = structs[Y.findIndexSS(structs, i.clock)];
		if (!(struct instanceof Y.Item)) fail();
		return struct;
	};
	/** The position right after `o`, as integrating would see it. */
	const nextAfter = (o: Id): string | null => {
		const k = key(o);
		if (next.has(k)) return next.get(k)!;
		const s = ownStruct(o);
		if (s)
			return o.clock < s.start + s.length - 1
				? key({ client: o.client, clock: o.clock + 1 })
				: fail();
		const item = docItem(o);
		if (o.clock < item.id.clock + item.length - 1)
			return key({ client: o.client, clock: o.clock + 1 });
		return item.right ? key(item.right.id) : null;
	};
	/** Nothing precedes `r` in its list. */
	const firstInList = (r: Id): boolean => {
		const k = key(r);
		if (prev.has(k)) return prev.get(k) === null;
		if (ownStruct(r)) return false; // inside one of this update's items
		const item = docItem(r);
		return r.clock === item.id.clock && item.left === null;
	};
	/** The list or map key an item without neighbours goes into must be empty. */
	const emptySlot = (s: Parsed): string => {
		let type: { _map: Map<string, unknown>; _start: unknown } | null = null;
		let slot: string;
		if (s.parentKey !== null) {
			type = doc.share.get(s.parentKey) ?? null; // a root type not yet created is empty
			slot = JSON.stringify(['root', s.parentKey, s.sub]);
		} else {
			const parent = s.parentId!;
			const ownParent = ownStruct(parent);
			if (ownParent) {
				if (!ownParent.isType || parent.clock !== ownParent.start) fail();
			} else {
				const item = docItem(parent);
				if (!(item.content instanceof Y.ContentType)) fail();
				type = item.content.type;
			}
			slot = JSON.stringify(['item', key(parent), s.sub]);
		}
		if (filled.has(slot)) fail();
		if (type && (s.sub !== null ? type._map.has(s.sub) : type._start !== null)) fail();
		return slot;
	};

	const docItemOrOwn = (i: Id) => {
		if (!ownStruct(i)) docItem(i);
	};
	for (const s of parsed) {
		const start = key({ client: own!, clock: s.start });
		const end = key({ client: own!, clock: s.start + s.length - 1 });
		const rightKey = s.right ? key(s.right) : null;
		if (s.origin) {
			if (nextAfter(s.origin) !== rightKey) fail();
			if (s.right) docItemOrOwn(s.right);
			next.set(key(s.origin), start);
			prev.set(start, key(s.origin));
		} else if (s.right) {
			docItemOrOwn(s.right);
			if (!firstInList(s.right)) fail();
			prev.set(start, null);
		} else {
			filled.add(emptySlot(s));
			prev.set(start, null);
		}
		next.set(end, rightKey);
		if (rightKey) prev.set(rightKey, end);
		done += 1;
	}

	return { clients: own === null ? [] : [own], structs: parsed.length };
}

// y-websocket wire format (y-protocols): [messageType][payload]; sync sub-types step1/step2/update.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

export const CLOSE_ACCESS_CHANGED = 4205;
export const CLOSE_MALFORMED = 4400;
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_RATE = 4429;
export const CLOSE_DOCUMENT_FULL = 4413;
export const CLOSE_GOING_AWAY = 1001;

export type Incoming =
	| { type: 'step1'; stateVector: Uint8Array }
	| { type: 'update'; update: Uint8Array }
	| { type: 'awareness'; update: Uint8Array }
	| { type: 'query-awareness' };

/** Parses one frame; throws on anything malformed (the caller closes with 4400). */
export function parseMessage(data: Uint8Array): Incoming {
	const decoder = decoding.createDecoder(data);
	const type = decoding.readVarUint(decoder);
	let message: Incoming;
	if (type === MESSAGE_SYNC) {
		const sub = decoding.readVarUint(decoder);
		const payload = decoding.readVarUint8Array(decoder);
		if (sub === SYNC_STEP1) message = { type: 'step1', stateVector: payload };
		else if (sub === SYNC_STEP2 || sub === SYNC_UPDATE)
			message = { type: 'update', update: payload };
		else throw new Error('unknown sync message');
	} else if (type === MESSAGE_AWARENESS) {
		message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
	} else if (type === MESSAGE_QUERY_AWARENESS) {
		message = { type: 'query-awareness' };
	} else {
		throw new Error('unknown message type');
	}
	if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
	return message;
}

export function syncStep1(doc: Y.Doc): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, SYNC_STEP1);
	encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
	return encoding.toUint8Array(e);
}

export function syncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, SYNC_STEP2);
	encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(doc, stateVector));
	return encoding.toUint8Array(e);
}

export function syncUpdate(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_SYNC);
	encoding.writeVarUint(e, SYNC_UPDATE);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: unknown;
}

/** Awareness update payload: count, then (clientID, clock, JSON state) per entry. */
export function readAwareness(update: Uint8Array): AwarenessEntry[] {
	const d = decoding.createDecoder(update);
	const count = decoding.readVarUint(d);
	if (count > 16) throw new Error('too many awareness entries');
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(d);
		const clock = decoding.readVarUint(d);
		const state: unknown = JSON.parse(decoding.readVarString(d));
		entries.push({ clientId, clock, state });
	}
	return entries;
}

export function writeAwareness(entries: AwarenessEntry[]): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(e, entry.clientId);
		encoding.writeVarUint(e, entry.clock);
		encoding.writeVarString(e, JSON.stringify(entry.state));
	}
	return encoding.toUint8Array(e);
}

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
/** The server cannot keep up with this socket right now (its messages wait): reconnect later. */
export const CLOSE_TRY_AGAIN = 1013;
export const CLOSE_DOCUMENT_FULL = 4413;
export const CLOSE_GOING_AWAY = 1001;

/** A frame that is not a well-formed y-websocket message: the socket is closed with 4400. */
export class MalformedMessage extends Error {}

/** Presence: at most this many entries per message, and this many bytes of JSON per state. */
export const MAX_AWARENESS_ENTRIES = 16;
export const MAX_AWARENESS_STATE_BYTES = 1024;

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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Awareness update payload: count, then (clientID, clock, JSON state) per entry. Strict, and
 * cheap by construction (a few small states), since it is parsed on the main thread: a deeply
 * nested megabyte of JSON takes about half a second to parse and cannot be stringified again.
 */
export function readAwareness(update: Uint8Array): AwarenessEntry[] {
	try {
		const d = decoding.createDecoder(update);
		const count = decoding.readVarUint(d);
		if (count > MAX_AWARENESS_ENTRIES) throw new MalformedMessage('too many awareness entries');
		const entries: AwarenessEntry[] = [];
		for (let i = 0; i < count; i++) {
			const clientId = decoding.readVarUint(d);
			const clock = decoding.readVarUint(d);
			const bytes = decoding.readVarUint8Array(d);
			if (bytes.byteLength > MAX_AWARENESS_STATE_BYTES) {
				throw new MalformedMessage('awareness state too large');
			}
			const state: unknown = JSON.parse(utf8.decode(bytes));
			entries.push({ clientId, clock, state });
		}
		if (decoding.hasContent(d)) throw new MalformedMessage('trailing bytes');
		return entries;
	} catch (error) {
		if (error instanceof MalformedMessage) throw error;
		throw new MalformedMessage(`malformed awareness update: ${String(error)}`);
	}
}

/**
 * Checks a SyncStep1 state vector before Yjs decodes it on the main thread: a legitimate client
 * knows at most the document's clients plus a few of its own, while 2 MiB of entries would take
 * hundreds of milliseconds to decode.
 */
export function checkStateVector(stateVector: Uint8Array, maxEntries: number): Uint8Array {
	try {
		const d = decoding.createDecoder(stateVector);
		const count = decoding.readVarUint(d);
		if (count > maxEntries) throw new MalformedMessage('state vector too long');
		for (let i = 0; i < count; i++) {
			decoding.readVarUint(d);
			decoding.readVarUint(d);
		}
		if (decoding.hasContent(d)) throw new MalformedMessage('trailing bytes');
		return stateVector;
	} catch (error) {
		if (error instanceof MalformedMessage) throw error;
		throw new MalformedMessage(`malformed state vector: ${String(error)}`);
	}
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

/**
 * Decodes and trial-integrates untrusted Yjs updates off the main thread. The parent kills this
 * worker if a request takes too long, so a hostile payload can stall only this thread, never the
 * event loop.
 *
 * Two steps per update:
 * - `inspect`: strict V1 decoding (no bytes left over, so no V2 or junk-padded payloads), clocks
 *   within range; returns the client ids the update writes as, for the ownership checks.
 * - `integrate`: applies the update to this worker's mirror of the open document. Decoding alone
 *   says nothing about the cost of integrating against existing content (structs that reference
 *   it are merely pending in an empty document, and the YATA conflict scan is quadratic), so the
 *   mirror is where that cost is paid first, under the parent's time limit. Delete ranges must
 *   stay within what the document (or this update) holds.
 * Mirrors are loaded from a state the parent sends and kept current with `apply` (changes that
 * did not come through `integrate`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import { MAX_CLOCK } from './admission.ts';

export type WorkerRequest =
	| { id: number; kind: 'inspect'; update: Uint8Array }
	| { id: number; kind: 'load'; doc: string; state: Uint8Array }
	| { id: number; kind: 'integrate'; doc: string; update: Uint8Array }
	| { id: number; kind: 'apply'; doc: string; update: Uint8Array }
	| { id: number; kind: 'drop'; doc: string };

export type WorkerResponse =
	| { id: number; ok: true; clients: number[]; structs: number }
	| { id: number; ok: false; reason: string; missing?: boolean };

const mirrors = new Map<string, Y.Doc>();

class Refused extends Error {}

/** Strict V1 decode: throws unless every byte is part of a well-formed update. */
function decodeStrict(update: Uint8Array) {
	const decoded = Y.decodeUpdate(update);
	// The last byte of a V1 update always ends the delete set's final varuint, so the update
	// without it must fail to decode; if it does not, the decoder never needed that byte.
	let padded = true;
	try {
		Y.decodeUpdate(update.subarray(0, update.byteLength - 1));
	} catch {
		padded = false;
	}
	if (padded) throw new Refused('bytes after the end of the update (not V1?)');
	return decoded;
}

/** Strict decode plus bounds: no clock or delete range past 2^32 - 1. */
function checkedDecode(update: Uint8Array) {
	const decoded = decodeStrict(update);
	for (const struct of decoded.structs) {
		if (struct.id.clock + struct.length > MAX_CLOCK) throw new Refused('clock out of range');
	}
	for (const ranges of decoded.ds.clients.values()) {
		for (const range of ranges) {
			if (range.clock + range.len > MAX_CLOCK) throw new Refused('delete range out of range');
		}
	}
	return decoded;
}

function inspect(update: Uint8Array): { clients: number[]; structs: number } {
	const decoded = checkedDecode(update);
	const clients = new Set<number>();
	for (const struct of decoded.structs) clients.add(struct.id.client);
	return { clients: [...clients], structs: decoded.structs.length };
}

function integrate(
	request: Extract<WorkerRequest, { kind: 'integrate' }>
): WorkerResponse & { ok: true } {
	const mirror = mirrors.get(request.doc);
	if (!mirror) throw Object.assign(new Refused('no mirror'), { missing: true });
	// One round trip per update: the inspect checks happen here too.
	const decoded = checkedDecode(request.update);
	// Deleting beyond what exists would wait as a pending delete set and swallow another
	// client's future edits (a delete-set form of clock poisoning).
	const ends = new Map<number, number>();
	for (const struct of decoded.structs) {
		const end = struct.id.clock + struct.length;
		ends.set(struct.id.client, Math.max(ends.get(struct.id.client) ?? 0, end));
	}
	for (const [client, ranges] of decoded.ds.clients) {
		const known = Math.max(Y.getState(mirror.store, client), ends.get(client) ?? 0);
		for (const range of ranges) {
			if (range.clock + range.len > known) throw new Refused('deletes beyond the document');
		}
	}
	try {
		Y.applyUpdate(mirror, request.update);
	} catch (error) {
		// Possibly half applied: forget it, the parent reloads it on the next request.
		mirror.destroy();
		mirrors.delete(request.doc);
		throw error;
	}
	return { id: request.id, ok: true, clients: [...ends.keys()], structs: decoded.structs.length };
}

const CPU_BUDGET_US = ((workerData as { cpuBudgetMs?: number } | null)?.cpuBudgetMs ?? 150) * 1000;

/** CPU time this thread has used, in microseconds (immune to other processes' load). */
function cpuNow(): number {
	const usage = process.threadCpuUsage();
	return usage.user + usage.system;
}

// Startup (loading yjs) is not part of any request's time budget: say when ready.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (request: WorkerRequest) => {
	let response: WorkerResponse;
	try {
		switch (request.kind) {
			case 'inspect': {
				const started = cpuNow();
				response = { id: request.id, ok: true, ...inspect(request.update) };
				if (cpuNow() - started > CPU_BUDGET_US) throw new Refused('update too costly to decode');
				break;
			}
			case 'load': {
				const fresh = new Y.Doc({ gc: true });
				Y.applyUpdate(fresh, request.state);
				mirrors.get(request.doc)?.destroy();
				mirrors.set(request.doc, fresh);
				response = { id: request.id, ok: true, clients: [], structs: 0 };
				break;
			}
			case 'integrate': {
				const started = cpuNow();
				response = integrate(request);
				if (cpuNow() - started > CPU_BUDGET_US) {
					// Too costly to apply on the main thread; the mirror now holds it, so drop the
					// mirror (reloaded from the document on the next update).
					mirrors.get(request.doc)?.destroy();
					mirrors.delete(request.doc);
					throw new Refused('update too costly to integrate');
				}
				break;
			}
			case 'apply': {
				// Already durable and applied by the parent: keep the mirror in step.
				const mirror = mirrors.get(request.doc);
				try {
					if (mirror) Y.applyUpdate(mirror, request.update);
				} catch {
					mirror?.destroy();
					mirrors.delete(request.doc);
				}
				response = { id: request.id, ok: true, clients: [], structs: 0 };
				break;
			}
			case 'drop':
				mirrors.get(request.doc)?.destroy();
				mirrors.delete(request.doc);
				response = { id: request.id, ok: true, clients: [], structs: 0 };
				break;
		}
	} catch (error) {
		response = {
			id: request.id,
			ok: false,
			reason: error instanceof Error ? error.message : String(error),
			missing: (error as { missing?: boolean }).missing
		};
	}
	parentPort!.postMessage(response);
});

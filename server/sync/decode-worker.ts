/**
 * Decodes untrusted Yjs updates off the main thread. The parent kills this worker if a decode
 * takes too long, so a hostile payload can stall only this thread, never the event loop.
 */
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';

export interface DecodeRequest {
	id: number;
	update: Uint8Array;
}

export type DecodeResponse =
	{ id: number; ok: true; clients: number[]; structs: number } | { id: number; ok: false };

// Startup (loading yjs) is not part of any request's time budget: say when ready.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (request: DecodeRequest) => {
	let response: DecodeResponse;
	try {
		// V1 only: the V2 decoder has known hangs (yjs#687).
		const decoded = Y.decodeUpdate(request.update);
		const clients = new Set<number>();
		for (const struct of decoded.structs) clients.add(struct.id.client);
		// Applying to an empty document proves the bytes integrate without throwing before they
		// are persisted (missing dependencies just wait as pending structs).
		const scratch = new Y.Doc();
		Y.applyUpdate(scratch, request.update);
		scratch.destroy();
		response = { id: request.id, ok: true, clients: [...clients], structs: decoded.structs.length };
	} catch {
		response = { id: request.id, ok: false };
	}
	parentPort!.postMessage(response);
});

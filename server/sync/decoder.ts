import { Worker } from 'node:worker_threads';
import type { DecodeRequest, DecodeResponse } from './decode-worker.ts';

export interface DecodedUpdate {
	/** Yjs client ids whose structs the update carries (who it claims to have written). */
	clients: number[];
	structs: number;
}

/** Decoding a message took too long or the bytes are not a V1 update: close the socket (4400). */
export class HostileInput extends Error {}

interface Pending {
	request: DecodeRequest;
	resolve: (value: DecodedUpdate) => void;
	reject: (error: Error) => void;
	timer: ReturnType<typeof setTimeout> | null;
}

/**
 * A worker that decodes untrusted updates with a time limit. One request is in the worker at a
 * time; if it overruns, the worker is replaced and only that request fails, the rest are retried.
 */
export function createDecoder(options: { timeoutMs?: number } = {}) {
	const timeoutMs = options.timeoutMs ?? 200;
	const queue: Pending[] = [];
	let current: Pending | null = null;
	let worker: Worker | null = null;
	let ready = false;
	let nextId = 1;
	let closed = false;

	function spawn(): Worker {
		const w = new Worker(new URL('./decode-worker.ts', import.meta.url));
		w.unref();
		ready = false;
		w.on('message', (response: DecodeResponse | { ready: true }) => {
			if ('ready' in response) {
				ready = true;
				return pump();
			}
			const p = current;
			if (!p || p.request.id !== response.id) return;
			clearTimeout(p.timer!);
			current = null;
			if (response.ok) p.resolve({ clients: response.clients, structs: response.structs });
			else p.reject(new HostileInput('not a V1 update'));
			pump();
		});
		w.on('error', () => restart(new HostileInput('decoder crashed')));
		return w;
	}

	function restart(error: Error) {
		const failed = current;
		current = null;
		if (failed) {
			clearTimeout(failed.timer!);
			failed.reject(error);
		}
		const old = worker;
		worker = null;
		ready = false;
		void old?.terminate();
		pump();
	}

	function pump() {
		if (closed || current) return;
		worker ??= spawn();
		if (!ready || queue.length === 0) return;
		current = queue.shift()!;
		current.timer = setTimeout(() => restart(new HostileInput('decode timed out')), timeoutMs);
		worker.postMessage(current.request);
	}

	// Start the worker now so the first edit does not wait for it.
	pump();

	return {
		decode(update: Uint8Array): Promise<DecodedUpdate> {
			if (closed) return Promise.reject(new Error('decoder closed'));
			return new Promise((resolve, reject) => {
				queue.push({ request: { id: nextId++, update }, resolve, reject, timer: null });
				pump();
			});
		},
		async close() {
			closed = true;
			for (const p of queue.splice(0)) p.reject(new Error('decoder closed'));
			if (current) restart(new Error('decoder closed'));
			await worker?.terminate();
			worker = null;
		}
	};
}

export type Decoder = ReturnType<typeof createDecoder>;

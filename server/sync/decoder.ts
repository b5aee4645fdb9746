import { Worker } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './decode-worker.ts';

export interface DecodedUpdate {
	/** Yjs client ids whose structs the update carries (who it claims to have written). */
	clients: number[];
	structs: number;
}

/** Decoding a message took too long or the bytes are not a V1 update: close the socket (4400). */
export class HostileInput extends Error {}

/** The worker holds no mirror of the document: integrate again with its state. */
export class MirrorMissing extends Error {}

// Distributive, so each request kind keeps its own fields.
type Request = WorkerRequest extends infer R
	? R extends WorkerRequest
		? Omit<R, 'id'>
		: never
	: never;

const TRUSTED_TIMEOUT_MS = 30_000;

interface Pending {
	request: Request;
	/** For `integrate` without a mirror: the document's current state, read at dispatch. */
	state?: () => Uint8Array;
	/** Its mirror was loaded for it already (a second miss means the load failed). */
	loaded?: boolean;
	resolve: (value: DecodedUpdate) => void;
	reject: (error: Error) => void;
	timer: ReturnType<typeof setTimeout> | null;
}

/**
 * A worker that decodes untrusted updates, and trial-integrates them into its mirror of the
 * document, with a time limit. One request is in the worker at a time; if it overruns, the worker
 * is replaced (its mirrors with it) and only that request fails, the rest are retried.
 */
export interface DecoderOptions {
	/**
	 * CPU time one untrusted update may cost to decode and integrate (measured on the worker's own
	 * thread, so a busy machine does not make an honest update look hostile). The main thread then
	 * pays about the same to apply it, so this bounds its stall.
	 */
	timeoutMs?: number;
	/** Wall-clock limit after which a worker that does not answer is killed (a hang). */
	hangMs?: number;
}

export function createDecoder(options: DecoderOptions = {}) {
	const cpuBudgetMs = options.timeoutMs ?? 150;
	const timeoutMs = options.hangMs ?? Math.max(2_000, cpuBudgetMs * 4);
	const queue: Pending[] = [];
	let current: (Pending & { id: number }) | null = null;
	let worker: Worker | null = null;
	let ready = false;
	let nextId = 1;
	let closed = false;
	/** Documents the current worker holds a mirror of. */
	const mirrored = new Set<string>();

	function spawn(): Worker {
		const w = new Worker(new URL('./decode-worker.ts', import.meta.url), {
			workerData: { cpuBudgetMs }
		});
		w.unref();
		ready = false;
		w.on('message', (response: WorkerResponse | { ready: true }) => {
			if ('ready' in response) {
				ready = true;
				return pump();
			}
			const p = current;
			if (!p || p.id !== response.id) return;
			clearTimeout(p.timer!);
			current = null;
			if (response.ok) p.resolve({ clients: response.clients, structs: response.structs });
			else {
				const { request } = p;
				if (request.kind === 'integrate' || request.kind === 'load') mirrored.delete(request.doc);
				p.reject(
					response.missing
						? new MirrorMissing(response.reason)
						: new HostileInput(`not accepted: ${response.reason}`)
				);
			}
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
		mirrored.clear();
		void old?.terminate();
		pump();
	}

	function pump() {
		if (closed || current) return;
		worker ??= spawn();
		while (ready && !current && queue.length > 0) {
			const next = queue.shift()!;
			const request = next.request;
			if (request.kind === 'apply' && !mirrored.has(request.doc)) {
				next.resolve({ clients: [], structs: 0 }); // no mirror to keep in step
				continue;
			}
			let job = next;
			if (request.kind === 'integrate' && !mirrored.has(request.doc)) {
				if (!next.state || next.loaded) {
					next.reject(new MirrorMissing(request.doc));
					continue;
				}
				// Load the mirror first, as its own (trusted) job; the update goes right after it.
				queue.unshift({ ...next, loaded: true });
				job = {
					request: { kind: 'load', doc: request.doc, state: next.state() },
					resolve: () => {},
					reject: () => {},
					timer: null
				};
				mirrored.add(request.doc);
			}
			if (job.request.kind === 'drop') mirrored.delete(job.request.doc);
			const id = nextId++;
			const untrusted = job.request.kind === 'inspect' || job.request.kind === 'integrate';
			current = { ...job, id };
			current.timer = setTimeout(
				() => restart(new HostileInput('decode timed out')),
				// Untrusted bytes get the configured budget; trusted bookkeeping (loading a mirror,
				// keeping it in step) only a limit against a wedged worker.
				untrusted ? timeoutMs : TRUSTED_TIMEOUT_MS
			);
			worker.postMessage({ ...job.request, id } as WorkerRequest);
		}
	}

	function enqueue(request: Request, state?: () => Uint8Array): Promise<DecodedUpdate> {
		if (closed) return Promise.reject(new Error('decoder closed'));
		return new Promise((resolve, reject) => {
			queue.push({ request, state, resolve, reject, timer: null });
			pump();
		});
	}

	// Start the worker now so the first edit does not wait for it.
	pump();

	return {
		/** Strict V1 decoding: the client ids an update writes as. Rejects with HostileInput. */
		inspect(update: Uint8Array): Promise<DecodedUpdate> {
			return enqueue({ kind: 'inspect', update });
		},
		/**
		 * Applies an inspected update to the mirror of `doc`, within the time limit. Without a
		 * mirror it rejects with MirrorMissing unless `state` is given (called at dispatch).
		 */
		integrate(doc: string, update: Uint8Array, state?: () => Uint8Array): Promise<DecodedUpdate> {
			return enqueue({ kind: 'integrate', doc, update }, state);
		},
		/** Does the worker currently mirror `doc`? */
		mirrors(doc: string): boolean {
			return mirrored.has(doc);
		},
		/** A change made other than through `integrate` (server edits, other processes). */
		apply(doc: string, update: Uint8Array): void {
			if (mirrored.has(doc)) enqueue({ kind: 'apply', doc, update }).catch(() => {});
		},
		/** Drops the mirror of `doc` (unloaded, or out of step with the document). */
		forget(doc: string): void {
			if (mirrored.has(doc)) enqueue({ kind: 'drop', doc }).catch(() => {});
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

/**
 * Minutes files (PDF, DOCX) are drawn on a worker thread: a 70-page PDF is about 0.4 s of CPU,
 * and on the main thread that would hold up every live edit this process relays (npm run bench:
 * the minutes section measures the event loop's delay during exports both ways). One worker,
 * started at the first export and kept; if it dies, the requests it held fail and the next one
 * starts a new worker.
 */
import { Worker } from 'node:worker_threads';
import type { ExportMark, Minutes } from '../src/lib/minutes/model.ts';
import type { Runtime } from '../src/lib/server/runtime.ts';
import type { MinutesFormat } from '../src/lib/server/minutes/render.ts';

export type RenderRequest = {
	id: number;
	format: MinutesFormat;
	minutes: Minutes;
	mark: ExportMark;
};
export type RenderResponse =
	{ id: number; ok: true; bytes: Uint8Array } | { id: number; ok: false; error: string };

export function createMinutesRenderer() {
	let worker: Worker | null = null;
	let nextId = 1;
	const pending = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();

	function failAll(error: Error) {
		for (const p of pending.values()) p.reject(error);
		pending.clear();
	}

	function spawn(): Worker {
		const w = new Worker(new URL('./minutes-render-worker.ts', import.meta.url));
		w.unref();
		w.on('message', (response: RenderResponse) => {
			const p = pending.get(response.id);
			if (!p) return;
			pending.delete(response.id);
			if (response.ok) p.resolve(response.bytes);
			else p.reject(new Error(`minutes rendering failed: ${response.error}`));
		});
		const gone = (error: Error) => {
			if (worker === w) worker = null;
			failAll(error);
		};
		w.on('error', (error) => gone(error));
		w.on('exit', (code) => gone(new Error(`minutes renderer exited (code ${code})`)));
		return w;
	}

	return {
		render(format: MinutesFormat, minutes: Minutes, mark: ExportMark): Promise<Uint8Array> {
			worker ??= spawn();
			const id = nextId++;
			const request: RenderRequest = { id, format, minutes, mark };
			return new Promise((resolve, reject) => {
				pending.set(id, { resolve, reject });
				worker!.postMessage(request);
			});
		},
		async close() {
			const w = worker;
			worker = null;
			failAll(new Error('minutes renderer closed'));
			await w?.terminate();
		}
	};
}

/** Renders this process's minutes off the main thread from now on; stopped at shutdown. */
export function attachMinutesRenderer(runtime: Runtime): void {
	if (runtime.renderMinutes) return;
	const renderer = createMinutesRenderer();
	runtime.renderMinutes = renderer.render;
	runtime.beforeClose.push(() => renderer.close());
}

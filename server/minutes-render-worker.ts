/**
 * Worker thread that draws minutes files (server/minutes-render.ts sends the requests). The
 * renderers are pure: everything comes from the message, nothing is read but their fonts.
 */
import { parentPort } from 'node:worker_threads';
import { renderMinutes } from '../src/lib/server/minutes/render.ts';
import type { RenderRequest, RenderResponse } from './minutes-render.ts';

parentPort!.on('message', (request: RenderRequest) => {
	renderMinutes(request.format, request.minutes, request.mark).then(
		(bytes) => {
			// A copy of exactly these bytes, moved (not copied again) to the parent. The renderer's
			// array may be a view of a pool other buffers of this thread share.
			const own = bytes.slice();
			const response: RenderResponse = { id: request.id, ok: true, bytes: own };
			parentPort!.postMessage(response, [own.buffer]);
		},
		(error: unknown) => {
			const response: RenderResponse = {
				id: request.id,
				ok: false,
				error: error instanceof Error ? error.message : String(error)
			};
			parentPort!.postMessage(response);
		}
	);
});

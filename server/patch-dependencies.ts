/**
 * Runs after `npm install` / `npm ci` (package.json "postinstall"): repairs a crash in postgres.js
 * 3.4.9, the latest release, that would take the whole portal down.
 *
 * postgres.js batches small writes behind a `setImmediate(nextWrite)`. When a connection's
 * socket has closed — the server restarted, a backend was terminated, a database was dropped —
 * a write on that connection schedules `nextWrite` on a null socket, and the TypeError it throws
 * from the immediate is uncatchable: the process exits (porsager/postgres#1066, #1154, #1208; the
 * guard below is the one proposed in #1209). With the guard the pending query is rejected with
 * CONNECTION_CLOSED like any other lost connection, and the pool reconnects.
 *
 * Idempotent; a release that no longer has the unguarded line is left alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const unguarded = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
const guarded =
	'  function nextWrite(fn) {\n' +
	'    if (!socket) { // patched by marac-portal server/patch-dependencies.ts (postgres.js #1208)\n' +
	'      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
	'      chunk = nextWriteTimer = null\n' +
	"      error(Errors.connection('CONNECTION_CLOSED', options))\n" +
	'      return false\n' +
	'    }\n' +
	'    const x = socket.write(chunk, fn)';

export function patchPostgres(root: string): string[] {
	const changed: string[] = [];
	for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
		const path = resolve(root, 'node_modules/postgres', file);
		if (!existsSync(path)) continue;
		const source = readFileSync(path, 'utf8');
		if (source.includes(guarded) || !source.includes(unguarded)) continue;
		writeFileSync(path, source.replace(unguarded, guarded));
		changed.push(path);
	}
	return changed;
}

if (import.meta.main) {
	for (const path of patchPostgres(process.cwd())) console.log(`patched ${path}`);
}

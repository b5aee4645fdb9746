/**
 * Starts the production server (server/index.ts) on a fresh embedded database, so every e2e run
 * begins with freshly seeded demo data. Used by playwright.config.ts's webServer entries.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve, sep } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR ?? '');
// Never remove anything outside the temporary directory, whatever the environment says.
if (!process.env.DATA_DIR || !dataDir.startsWith(resolve(tmpdir()) + sep)) {
	console.error(`serve.ts: DATA_DIR must be a directory under ${tmpdir()} (got "${dataDir}")`);
	process.exit(2);
}
rmSync(dataDir, { recursive: true, force: true });
await import('../../server/index.ts');

/**
 * A private PostgreSQL cluster (initdb into a temporary directory, on a free port) for tests that
 * stop and start PostgreSQL: restarting the shared server on 5432 would break every other test
 * running at the time. Uses the Debian binaries (/usr/lib/postgresql/<version>/bin). PostgreSQL
 * refuses to run as root, so as root the cluster runs as the `postgres` user (runuser).
 *
 *   const found = findPostgresBinaries();           // { bin } or { reason } (skip the test)
 *   const cluster = await startCluster(found.bin);
 *   await cluster.stop('fast'); await cluster.start();
 *   await cluster.dispose();
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = '/usr/lib/postgresql';

/** The newest installed server binaries, or why there are none usable. */
export function findPostgresBinaries(): { bin: string } | { reason: string } {
	if (!existsSync(ROOT)) return { reason: `no PostgreSQL server binaries under ${ROOT}` };
	const versions = readdirSync(ROOT)
		.filter(
			(v) => existsSync(join(ROOT, v, 'bin/initdb')) && existsSync(join(ROOT, v, 'bin/pg_ctl'))
		)
		.sort((a, b) => Number(b) - Number(a));
	if (versions.length === 0) return { reason: `no initdb/pg_ctl under ${ROOT}/*/bin` };
	if (process.getuid?.() === 0) {
		const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'true']);
		if (probe.status !== 0) {
			return { reason: 'running as root and cannot run as the postgres user (runuser failed)' };
		}
	}
	return { bin: join(ROOT, versions[0]!, 'bin') };
}

function freeEphemeralPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

export interface Cluster {
	port: number;
	/** Connection string of the cluster's `postgres` database (trust auth). */
	url: string;
	/** `pg_ctl stop -m <mode>`: fast ends sessions cleanly, immediate is a crash (WAL replay). */
	stop(mode: 'fast' | 'immediate'): void;
	start(): void;
	/** The cluster's server log (for failure messages). */
	log(): string;
	dispose(): void;
}

export async function startCluster(bin: string): Promise<Cluster> {
	const asRoot = process.getuid?.() === 0;
	const dir = mkdtempSync(join(tmpdir(), 'marac-pg-'));
	const dataDir = join(dir, 'data');
	const logFile = join(dir, 'server.log');
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, uid, gid);
		chmodSync(dir, 0o700);
	}
	const run = (tool: string, args: string[]) => {
		const command = asRoot ? 'runuser' : join(bin, tool);
		const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
		const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
		if (result.status !== 0) {
			throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
		}
	};
	run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	const port = await freeEphemeralPort();
	// Unix socket in the private directory: the shared cluster's socket directory is not ours.
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
	const start = () => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', logFile, '-w', 'start']);
	start();
	let running = true;
	return {
		port,
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		stop(mode) {
			run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
			running = false;
		},
		start() {
			start();
			running = true;
		},
		log() {
			try {
				return execFileSync('tail', ['-n', '50', logFile]).toString();
			} catch {
				return '';
			}
		},
		dispose() {
			if (running) {
				try {
					run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
				} catch {
					// already stopped
				}
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

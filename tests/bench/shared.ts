/** What the bench process (run.ts) and the server process (server.ts) share. */

export const ORIGIN = 'http://localhost:4997';

/** What the bench passes to createSyncServer (said in the output too). */
export const OUR_OPTIONS = {
	maxSocketsPerUser: 1000,
	messagesPerSecond: 10_000,
	messageBurst: 10_000
};

export type ServerKind = 'ours' | 'hocuspocus';

export interface Summary {
	n: number;
	median: number;
	p99: number;
	max: number;
}

export interface Usage {
	/** Ours only: ms from a sync update arriving (ws 'message') to its first relay (ws.send). */
	residence: Summary | null;
	/**
	 * Ours only, the stages of that path as the live server ran them: decode-worker round trips by
	 * request kind (posted → answer handled on the main thread), and commits of log rows.
	 */
	stages: {
		worker: Record<string, Summary>;
		/** Share of the wall time with a request in the (one-at-a-time) decode worker. */
		workerBusyPct: number;
		commit: Summary | null;
	} | null;
	cpuMs: number;
	eldP99Ms: number;
	eldMaxMs: number;
	rssMb: number;
	heapMb: number;
}

export interface Memory {
	heapUsed: number;
	external: number;
	arrayBuffers: number;
	rss: number;
	/**
	 * Ours: the decode worker's heap and external memory (its mirrors of edited documents), not
	 * collected first, so approximate.
	 */
	workers: number;
}

export type Command =
	| { cmd: 'mark' }
	| { cmd: 'usage' }
	| { cmd: 'memory' }
	| { cmd: 'stop' }
	| { cmd: 'sessions'; count: number; excludeRoles: string[]; first?: string }
	| { cmd: 'names' }
	| { cmd: 'seedTypical'; names: string[]; templates: number; minBytes: number; maxBytes: number }
	| { cmd: 'insertLog'; names: string[]; rows: number; bytesEach: number; seed: number }
	| { cmd: 'pendingRows'; name: string }
	| { cmd: 'pendingRowsIn'; names: string[] }
	| { cmd: 'probeLoad'; name: string }
	| { cmd: 'probePipeline'; updates: number }
	| { cmd: 'mirrorEstimate'; names: string[] };

export interface Names {
	plan: string;
	pathway: string;
	/** Plan and agency documents the coordinator can open (for the memory measure). */
	typical: string[];
	/** Other documents the coordinator can write (restricted, pathway): for the cold loads. */
	spare: string[];
}

/** Latency summary (ms) of one step of our server's update path, measured in isolation. */
export interface StepTiming {
	n: number;
	median: number;
	p99: number;
	/** Wall time per update when `n` are submitted at once (the step's service time). */
	perUpdateAtOnce: number;
}

export interface PipelineProbe {
	/** The decode worker: strict decode and trial integration, two round trips per update. */
	worker: StepTiming | { unavailable: string };
	/** The same two steps on the main thread, for comparison (no thread hop). */
	inline: StepTiming;
	/** A commit of one row to doc_updates through the group-commit appender. */
	append: StepTiming;
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../../src/lib/server/log.ts';

/**
 * Relays durable document updates and presence between portal processes over Redis pub/sub.
 * Pub/sub is at-most-once: the hub's periodic re-sync from the database closes any gap, and
 * updates are published only after they are committed, so Postgres stays the source of truth.
 */
export interface Relay {
	subscribe(doc: string): Promise<void>;
	unsubscribe(doc: string): Promise<void>;
	publishUpdate(doc: string, update: Uint8Array): void;
	publishAwareness(doc: string, update: Uint8Array): void;
	/** Asks the other processes to send their local presence for a document just opened. */
	queryAwareness(doc: string): void;
	close(): Promise<void>;
}

export interface RelayHandlers {
	update(doc: string, update: Uint8Array): void;
	awareness(doc: string, update: Uint8Array): void;
	query(doc: string): void;
}

const PREFIX_UPDATE = 'marac:u:';
const PREFIX_AWARENESS = 'marac:a:';
const PREFIX_QUERY = 'marac:q:';
const ID_BYTES = 12;

export function createRedisRelay(url: string, handlers: RelayHandlers, log: Logger): Relay {
	// Every message carries the sender's id so a process ignores its own.
	const self = randomBytes(ID_BYTES);
	const options = { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true };
	const pub = new Redis(url, options);
	const sub = new Redis(url, options);
	for (const client of [pub, sub]) {
		client.on('error', (error: Error) => log.warn({ error: error.message }, 'redis error'));
	}
	sub.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
		if (message.length < ID_BYTES || message.subarray(0, ID_BYTES).equals(self)) return;
		const channel = channelBuffer.toString();
		const payload = new Uint8Array(message.subarray(ID_BYTES));
		if (channel.startsWith(PREFIX_UPDATE))
			handlers.update(channel.slice(PREFIX_UPDATE.length), payload);
		else if (channel.startsWith(PREFIX_AWARENESS)) {
			handlers.awareness(channel.slice(PREFIX_AWARENESS.length), payload);
		} else if (channel.startsWith(PREFIX_QUERY)) handlers.query(channel.slice(PREFIX_QUERY.length));
	});
	const publish = (channel: string, data: Uint8Array) => {
		pub.publish(channel, Buffer.concat([self, data])).catch((error: unknown) => {
			log.warn({ error: String(error) }, 'redis publish failed; re-sync will catch up');
		});
	};
	return {
		async subscribe(doc) {
			await sub.subscribe(PREFIX_UPDATE + doc, PREFIX_AWARENESS + doc, PREFIX_QUERY + doc);
		},
		async unsubscribe(doc) {
			await sub.unsubscribe(PREFIX_UPDATE + doc, PREFIX_AWARENESS + doc, PREFIX_QUERY + doc);
		},
		publishUpdate: (doc, update) => publish(PREFIX_UPDATE + doc, update),
		publishAwareness: (doc, update) => publish(PREFIX_AWARENESS + doc, update),
		queryAwareness: (doc) => publish(PREFIX_QUERY + doc, new Uint8Array()),
		async close() {
			await Promise.allSettled([pub.quit(), sub.quit()]);
		}
	};
}

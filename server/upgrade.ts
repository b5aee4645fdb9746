import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export const SYNC_PATH_PREFIX = '/sync/';

/**
 * Owns every WebSocket upgrade on the portal's HTTP server. Until the live-sync server lands,
 * every upgrade is refused: nothing is upgraded that no code authorises.
 */
export function handleUpgrade(req: IncomingMessage, socket: Duplex, _head: Buffer): void {
	void req;
	refuse(socket, 404, 'Not Found');
}

export function refuse(socket: Duplex, status: number, reason: string): void {
	socket.on('error', () => socket.destroy());
	if (!socket.writable) return void socket.destroy();
	socket.end(
		`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`,
		() => socket.destroy()
	);
}

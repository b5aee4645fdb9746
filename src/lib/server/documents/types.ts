import type * as Y from 'yjs';
import type { Actor } from '../audit/index.ts';

/**
 * What pages and form actions may ask of the live documents (implemented by server/sync, reached
 * through the runtime). Server-side edits take the same path as client edits: persisted first,
 * then applied, broadcast and audited.
 */
export interface DocumentService {
	edit(docName: string, actor: Actor, change: (doc: Y.Doc) => void): Promise<void>;
	/** The current state of a document as a Yjs update (loads it if nobody has it open). */
	read(docName: string): Promise<Uint8Array>;
}

// One entry point for drawing a minutes file, shared by the export route (in the request) and
// the renderer's worker thread (server/minutes-render-worker.ts).
import type { ExportMark, Minutes } from '../../minutes/model.ts';
import { renderMinutesDocx } from './docx.ts';
import { renderMinutesPdf } from './pdf.ts';

export type MinutesFormat = 'pdf' | 'docx';

export function renderMinutes(
	format: MinutesFormat,
	minutes: Minutes,
	mark: ExportMark
): Promise<Uint8Array> {
	return format === 'pdf' ? renderMinutesPdf(minutes, mark) : renderMinutesDocx(minutes, mark);
}

// The data-return download's body, kept apart from the route so that the export infrastructure
// (step-up re-authentication, exports register, rate limit) can wrap exactly this call.
import type { Database } from '../db/index.ts';
import type { Quarter } from '../../data-return/quarters.ts';
import { londonDate } from '../../dates.ts';
import { dataReturnCsvText } from './csv.ts';
import { loadDataReturn, type DataReturnArea } from './load.ts';

export interface ExportFile {
	filename: string;
	bytes: Uint8Array<ArrayBuffer>;
}

/** The quarter's data return as a suppressed CSV. The caller has checked access to the area. */
export async function dataReturnCsv(
	db: Database,
	area: DataReturnArea,
	quarter: Quarter,
	now = new Date()
): Promise<ExportFile> {
	const data = await loadDataReturn(db, area, quarter);
	const today = londonDate(now);
	const text = dataReturnCsvText(area.name, data.quarter, data.meetings, today);
	return {
		filename: `marac-data-return-${quarter.key}-${today}.csv`,
		bytes: new TextEncoder().encode(text)
	};
}

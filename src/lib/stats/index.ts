// Small statistics shared by the dashboards and data returns.

/**
 * Small-number suppression for anything that leaves the portal: counts of 1 to 4 could identify
 * a person, so they are shown as "<5". Zero stays zero (it identifies nobody).
 */
export function suppress(count: number): string {
	if (!Number.isFinite(count)) return '';
	return count >= 1 && count <= 4 ? '<5' : String(count);
}

/** The median of a list of numbers (the mean of the middle two for an even count); null if empty. */
export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A CSV field, quoted when needed; formula-leading text is neutralised for spreadsheets. */
export function csvField(value: string | number | null | undefined): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
	return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

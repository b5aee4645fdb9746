/**
 * The one normalisation of a person's name, used for repeat detection and register search, so that
 * "Zoë O'Brien", "zoe obrien " and "ZOE O BRIEN" meet. Accents are folded, case ignored, and any run
 * of characters that are not letters or digits becomes one space.
 */
export function normaliseName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/['’`]+/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** The normalised keys of a name and its aliases (empty ones dropped, duplicates once). */
export function nameKeys(name: string, aliases: readonly string[] = []): string[] {
	return [...new Set([name, ...aliases].map(normaliseName).filter((k) => k.length > 0))];
}

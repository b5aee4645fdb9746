// Words for meeting pages (client-safe).
export const KIND_TEXT = {
	domestic_abuse: 'Domestic abuse',
	human_trafficking: 'Human trafficking'
} as const;

export function childrenText(n: number): string {
	if (n <= 0) return 'No children in the household';
	return n === 1 ? '1 child in the household' : `${n} children in the household`;
}

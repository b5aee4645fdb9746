/** A failed form submission on this page: which action, its messages, and what was typed. */
export interface Failed {
	action: string;
	errors: Record<string, string>;
	values: Record<string, string>;
}

/** The failure's messages and values if it came from `action`, else empty ones. */
export function failureOf(failed: Failed | null, action: string) {
	return failed?.action === action ? failed : { action, errors: {}, values: {} };
}

// Dates and times as people in the MARAC areas read and type them (UK time, with summer time).

const PARTS = new Intl.DateTimeFormat('en-GB', {
	timeZone: 'Europe/London',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});

/** `yyyy-mm-ddThh:mm` in UK time (the value of an `<input type="datetime-local">`). */
export function toLondonLocal(date: Date): string {
	const p = Object.fromEntries(PARTS.formatToParts(date).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The instant a UK date and time names; null if malformed or not a real time (e.g. 30 Feb). */
export function fromLondonLocal(local: string): Date | null {
	const m = LOCAL.exec(local);
	if (!m) return null;
	const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
	// London is UTC or UTC+1: try both, keep the one that reads back as typed.
	for (const offsetHours of [0, 1]) {
		const candidate = new Date(asUtc - offsetHours * 3_600_000);
		if (toLondonLocal(candidate) === local) return candidate;
	}
	return null;
}

import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { actionSchema, meaningfulAction, ShareSchema } from '../../src/lib/schemas/workspace.ts';

const AGENCY = '00000000-0000-4000-8000-000000000001';
const today = '2026-11-28';
const parse = (input: Record<string, string>) =>
	v.safeParse(actionSchema(today), { agencyId: AGENCY, dueOn: '2026-12-05', ...input });
/** The first message per field, as the forms show it. */
function messages(result: ReturnType<typeof parse>): Record<string, string> {
	const found: Record<string, string> = {};
	if (!result.success)
		for (const i of result.issues) found[v.getDotPath(i) ?? 'form'] ??= i.message;
	return found;
}

describe('a new action', () => {
	it('accepts a SMART action and defaults the status to open', () => {
		const result = parse({ text: '  Housing to fit a door alarm at the property  ' });
		expect(result.success).toBe(true);
		if (result.success) {
			expect(result.output.text).toBe('Housing to fit a door alarm at the property');
			expect(result.output.status).toBe('open');
		}
	});

	it('refuses empty, meaningless and too long text', () => {
		expect(messages(parse({ text: '   ' })).text).toBe('Enter the action.');
		expect(messages(parse({ text: 'tbc' })).text).toMatch(/few words/);
		expect(messages(parse({ text: 'see notes' })).text).toMatch(/few words/);
		expect(messages(parse({ text: 'x '.repeat(1001) })).text).toMatch(/2,000/);
		expect(meaningfulAction('Police to visit weekly')).toBe(true);
		expect(meaningfulAction('- - - - -')).toBe(false);
	});

	it('refuses a missing, unreal or past due date, an unknown status and a bad agency', () => {
		const text = 'Police to visit the address weekly';
		expect(messages(parse({ text, dueOn: '' })).dueOn).toBe('Enter the date the action is due.');
		expect(messages(parse({ text, dueOn: '2026-02-30' })).dueOn).toMatch(/real date/);
		expect(messages(parse({ text, dueOn: '2026-11-27' })).dueOn).toMatch(/today or later/);
		expect(parse({ text, dueOn: today }).success).toBe(true);
		expect(messages(parse({ text, status: 'hacked' })).status).toBe('Choose a status.');
		expect(messages(parse({ text, agencyId: 'police' })).agencyId).toMatch(/agency/);
	});
});

describe('share to meeting', () => {
	it('needs some text, of at most 5,000 characters', () => {
		expect(v.safeParse(ShareSchema, { text: 'A line of notes' }).success).toBe(true);
		expect(v.safeParse(ShareSchema, { text: '' }).success).toBe(false);
		expect(v.safeParse(ShareSchema, { text: 'x'.repeat(5001) }).success).toBe(false);
	});
});

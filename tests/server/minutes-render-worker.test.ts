import { afterAll, describe, expect, it } from 'vitest';
import type { Minutes } from '../../src/lib/minutes/model.ts';
import { watermarkText } from '../../src/lib/minutes/text.ts';
import { createMinutesRenderer } from '../../server/minutes-render.ts';
import { docxParagraphs, docxParts, pdfPages, squash } from '../helpers/document-text.ts';
import { HIDDEN, canary, exportMarkFixture, minutesFixture } from '../helpers/minutes.ts';

describe('minutes rendered on a worker thread (server/minutes-render.ts)', () => {
	const renderer = createMinutesRenderer();
	afterAll(() => renderer.close());

	it('draws the same PDF and DOCX as in the request: every page marked, the content there', async () => {
		const minutes = minutesFixture();
		const mark = exportMarkFixture();
		const [pdf, docx] = await Promise.all([
			renderer.render('pdf', minutes, mark),
			renderer.render('docx', minutes, mark)
		]);
		const pages = await pdfPages(pdf);
		expect(pages.length).toBeGreaterThan(1);
		for (const page of pages) expect(squash(page.text)).toContain(squash(watermarkText(mark)));
		const text = squash(pages.map((p) => p.text).join(' '));
		expect(text).toContain(squash(canary.riskSummary(1)));
		expect(text).not.toContain(squash(HIDDEN.caseText)); // what minutesFor left out stays out
		const body = docxParagraphs(docxParts(docx)['word/document.xml']!).join(' ');
		expect(body).toContain(canary.riskSummary(1));
		expect(body).toContain(minutes.cases[0]!.reference);
	});

	it('a render that fails rejects only its own request; the next one is drawn', async () => {
		const broken = { ...minutesFixture(), cases: null } as unknown as Minutes;
		await expect(renderer.render('pdf', broken, exportMarkFixture())).rejects.toThrow(
			/minutes rendering failed/
		);
		const pdf = await renderer.render('pdf', minutesFixture(), exportMarkFixture());
		expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
	});

	it('requests still in the worker when it is closed are refused, not left hanging', async () => {
		const own = createMinutesRenderer();
		const pending = own.render('pdf', minutesFixture(), exportMarkFixture());
		const refused = expect(pending).rejects.toThrow(/closed/);
		await own.close();
		await refused;
	});
});

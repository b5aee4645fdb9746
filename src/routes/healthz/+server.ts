import { json } from '@sveltejs/kit';
import { runtime } from '$lib/server/app';
import { databaseAnswers } from '$lib/server/health';

export const GET = async () => {
	const rt = await runtime();
	const ok = await databaseAnswers(rt.db);
	return json({ ok }, { status: ok ? 200 : 503 });
};

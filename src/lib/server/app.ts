// The SvelteKit side's door to the shared runtime (the code in server/ reaches the same instance).
import { env } from '$env/dynamic/private';
import { getRuntime, type Runtime } from './runtime.ts';

export function runtime(): Promise<Runtime> {
	return getRuntime(env);
}

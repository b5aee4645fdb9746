import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const dev = process.env.NODE_ENV === 'development';

/**
 * SvelteKit's route announcer carries one fixed inline style attribute. Allow exactly that
 * attribute by hash ('unsafe-hashes' covers attributes only with a matching hash), rather than
 * opening style-src to 'unsafe-inline'. Computed from the installed kit so upgrades stay in step.
 * @returns {NonNullable<NonNullable<NonNullable<import('@sveltejs/kit').KitConfig['csp']>['directives']>['style-src']>}
 */
function announcerStyleHashes() {
	const require = createRequire(import.meta.url);
	const kitDir = dirname(require.resolve('@sveltejs/kit/package.json'));
	const source = readFileSync(join(kitDir, 'src/core/sync/write_root.js'), 'utf8');
	const style = /id="svelte-announcer"[^>]*?style="([^"]+)"/.exec(source)?.[1];
	if (!style) return [];
	return ['unsafe-hashes', `sha256-${createHash('sha256').update(style).digest('base64')}`];
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		adapter: adapter({ out: 'build', precompress: false }),
		// SvelteKit's own CSRF origin check stays on (the default); hooks.server.ts adds one for JSON.
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Vite injects <style> tags in development only.
				'style-src': dev ? ['self', 'unsafe-inline'] : ['self', ...announcerStyleHashes()],
				'img-src': ['self'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;

/** `npm start`: build the app if the build is missing or older than the sources, then serve it. */
import { ensureBuilt } from './build.ts';

ensureBuilt();
await import('./index.ts');

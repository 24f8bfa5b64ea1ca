/**
 * Loads the story backend (story-backend.ts) the way the app loads its own code: bundled by esbuild
 * into one CommonJS file (here under test-results/, never under out/, so it cannot ship). Some core
 * dependencies publish ESM that only a bundler resolves (jsonc-parser), which Playwright's own
 * TypeScript loader cannot load directly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { repoRoot } from './paths';

type StoryBackendModule = typeof import('./story-backend');

let loaded: StoryBackendModule | undefined;

export function loadStoryBackend(): StoryBackendModule {
  return (loaded ??= loadBundled<StoryBackendModule>('story-backend'));
}

/** A module of e2e/support (`name`.ts), bundled and required. */
export function loadBundled<T>(name: string): T {
  const outfile = path.join(repoRoot, 'test-results', 'e2e-bundle', `${name}-${process.pid}.cjs`);
  buildSync({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, 'e2e', 'support', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    sourcemap: 'inline',
    logLevel: 'warning',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(outfile) as T;
  fs.rmSync(outfile, { force: true });
  return mod;
}

#!/usr/bin/env node
// Builds every entry: main, preload, proxy, connector and headless host with esbuild (CJS, one
// self-contained file each, `electron` external), and the renderer with Vite.
// Usage: node scripts/build.mjs [--only=node|renderer|cli] [--watch]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import * as fs from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

/** Entries bundled for Node / Electron-as-Node. */
export const nodeEntries = [
  { in: 'main/index.ts', out: 'out/main/index.js', electron: true },
  // A sandboxed preload has no __filename: no import.meta.url shim there.
  { in: 'preload/index.ts', out: 'out/preload/index.js', electron: true, sandboxed: true },
  // The proxy is four files (see proxyChunks): what an idle proxy runs, then what it loads on
  // its first client, the SDK's client (loaded only when the fast path cannot serve a session),
  // and undici, loaded by the SDK transports and to describe a TLS failure.
  { in: 'main/proxy/index.ts', out: 'out/proxy/index.js', chunks: true },
  { in: 'main/proxy/upstream.ts', out: 'out/proxy/upstream.js', chunks: true },
  { in: 'node_modules/@modelcontextprotocol/client/dist/index.cjs', out: 'out/proxy/sdk.js', chunks: true },
  { in: 'node_modules/undici/index.js', out: 'out/proxy/undici.js', chunks: true },
  { in: 'main/connector/index.ts', out: 'out/connector/index.js' },
  { in: 'main/headless/main.ts', out: 'out/headless/index.js' },
  { in: 'main/cli/index.ts', out: 'out/cli/index.js' },
];

/**
 * An idle proxy holds its whole bundle's source text in memory (V8 keeps it to compile functions
 * lazily), so what only a client connection needs lives in files of its own beside it, required
 * at run time: ProxyRuntime's `import('./upstream')` (the message path and the SDK) becomes
 * a `require("./upstream.js")` run when it is first called, every `require('undici')` becomes
 * `require("./undici.js")` and the SDK's client (sdk-module.ts) `require("./sdk.js")`.
 * Code both sides use (shared/, a few proxy helpers) is in both files; no class of it is checked
 * with instanceof across the two.
 */
const proxyChunks = {
  name: 'proxy-chunks',
  setup(b) {
    // A module of the bundle that requires the file: `import()` stays lazy and needs no ESM loader.
    b.onResolve({ filter: /^\.\/upstream$/ }, (a) => (a.kind === 'dynamic-import' ? { path: 'upstream', namespace: 'proxy-chunk' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'proxy-chunk' }, () => ({ contents: 'module.exports = require("./upstream.js");', loader: 'js' }));
    b.onResolve({ filter: /^\.\/upstream\.js$/ }, (a) => (a.namespace === 'proxy-chunk' ? { path: './upstream.js', external: true } : undefined));
    b.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
    b.onResolve({ filter: /^@modelcontextprotocol\/client$/ }, (a) => (a.kind === 'entry-point' ? undefined : { path: './sdk.js', external: true }));
  },
};

async function buildNode(filter) {
  const started = Date.now();
  await Promise.all(
    nodeEntries
      .filter((e) => fs.existsSync(path.join(root, e.in)))
      .filter(filter)
      .map((e) =>
        build({
          absWorkingDir: root,
          entryPoints: [e.in],
          outfile: e.out,
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node22',
          sourcemap: 'linked',
          external: ['electron'],
          logLevel: 'warning',
          ...(e.chunks ? { plugins: [proxyChunks] } : {}),
          // conf & friends are ESM and use import.meta.url; give CJS bundles a value for it.
          ...(e.sandboxed
            ? {}
            : {
                define: { 'import.meta.url': 'importMetaUrl' },
                banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
              }),
        }),
      ),
  );
  return Date.now() - started;
}

async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  const started = Date.now();
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
  return Date.now() - started;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    if (!only || only === 'node') console.error(`built node entries in ${await buildNode(() => true)} ms`);
    if (only === 'cli') console.error(`built cli in ${await buildNode((e) => !e.electron)} ms`);
    if ((!only || only === 'renderer') && fs.existsSync(path.join(root, 'renderer/vite.config.ts'))) {
      console.error(`built renderer in ${await buildRenderer()} ms`);
    }
  } catch (err) {
    console.error(err?.message ?? err);
    process.exit(1);
  }
}

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/**
 * Builds the node entries (proxy, connector, …) when out/proxy or out/connector is missing or older
 * than main/, so the story never runs stale children (`npm run build` is the usual way).
 */
export function ensureNodeBuilt(): void {
  const outputs = ['out/proxy/index.js', 'out/connector/index.js'].map((p) => path.join(repoRoot, p));
  const sources = Math.max(newestMtime(path.join(repoRoot, 'main')), newestMtime(path.join(repoRoot, 'preload')));
  if (outputs.every((o) => fs.existsSync(o) && fs.statSync(o).mtimeMs >= sources)) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--only=cli'], { cwd: repoRoot, stdio: 'inherit' });
}

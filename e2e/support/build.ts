import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, rendererOut } from './paths';

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/**
 * Builds the renderer when out/renderer is missing or older than its sources, so a test never runs
 * against a stale bundle (`npm run build` is the usual way to build everything).
 */
export function ensureRendererBuilt(): void {
  const index = path.join(rendererOut, 'index.html');
  const sources = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'assets', 'common'].map((p) => path.join(repoRoot, p));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--only=renderer'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}

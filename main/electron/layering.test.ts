// House rule (DESIGN.md): 'electron' is imported at runtime only in main/electron/**, main/index.ts
// and preload/index.ts (requiring it anywhere else would try to download a binary in CI), and the
// renderer reaches the outside only through window.switchboard. Tests (which mock electron) are exempt.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

function sources(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'));
}

/** Runtime (non-type) imports and requires of a module specifier. */
function runtimeImports(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*import\s+(?!type\b)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*export\s+(?!type\b)[^'"]*?\s+from\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

const ELECTRON_ALLOWED = /^(main\/electron\/|main\/index\.ts$|preload\/index\.ts$)/;

describe('layering', () => {
  it('imports electron at runtime only in the Electron layer', () => {
    const files = [...sources('main'), ...sources('preload'), ...sources('renderer/src')];
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) => !ELECTRON_ALLOWED.test(f) && runtimeImports(f).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(offenders).toEqual([]);
  });

  it('detects runtime imports and ignores type-only ones', () => {
    expect(runtimeImports('main/index.ts')).toContain('electron');
    expect(runtimeImports('preload/index.ts')).toContain('electron');
    expect(runtimeImports('main/electron/tray.ts')).toContain('electron');
    expect(runtimeImports('main/core/api/core-port.ts')).toEqual([]);
  });

  it('keeps the pure Electron-layer modules free of electron', () => {
    for (const f of ['tray-menu-model.ts', 'security-policy.ts', 'launch-options.ts', 'child-launcher.ts', 'autostart-linux.ts', 'login-items.ts']) {
      expect(runtimeImports(`main/electron/${f}`)).not.toContain('electron');
    }
  });

  it('lets the renderer import only React, its own files and the contract', () => {
    // The check itself: what a file at renderer/src/components/logs/ may and may not reach.
    const at = 'renderer/src/components/logs/X.tsx';
    const resolve = (spec: string) => path.posix.normalize(path.posix.join(path.posix.dirname(at), spec));
    expect(resolve('../../api')).toBe('renderer/src/api');
    expect(resolve('../../../../preload/contract')).toBe('preload/contract');
    expect(resolve('../../../../main/core/app-core')).toBe('main/core/app-core');

    const bad: string[] = [];
    for (const f of sources('renderer/src')) {
      for (const spec of runtimeImports(f)) {
        // Relative imports may go anywhere inside renderer/src (any depth), plus the contract and icons.
        const target = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(f), spec)) : undefined;
        const ok =
          spec === 'react' ||
          spec.startsWith('react/') ||
          spec.startsWith('react-dom') ||
          (target !== undefined && target.startsWith('renderer/src/')) ||
          target === 'preload/contract' ||
          (target !== undefined && /^assets\/[\w@./-]+\.png$/.test(target));
        if (!ok) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

/**
 * An idle proxy never loads the SDK: its health check is plain HTTP, and the upstream module is
 * imported only when the first client connects. Nor does a client's 2025-era session: the SDK is
 * required by sdk-module.ts only when the fast path hands something to it (fast-session.test.ts
 * runs such sessions). Checked on the source: the value imports reachable from the proxy's entry
 * and from the upstream module (type-only imports load nothing, and the dynamic
 * `import('./upstream')` is not followed) must not reach the SDK, and on the built files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PROXY = path.resolve(__dirname);

/** The specifiers of a file's static imports and re-exports that load something at run time. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const out: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes = clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) out.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      const named = node.exportClause;
      if (named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

function resolveLocal(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${spec} from ${from}`);
}

/** Every file and package the entry loads before any client connects. */
function loadedAtStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) visit(resolveLocal(file, spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('an idle proxy', () => {
  it('loads neither the SDK nor the upstream module', () => {
    const { files, packages } = loadedAtStart(path.join(PROXY, 'index.ts'));
    expect([...packages].filter((p) => p.startsWith('@modelcontextprotocol/'))).toEqual([]);
    const upstream = [...files].map((f) => path.relative(PROXY, f)).filter((f) => /^upstream(?!-shared)/.test(path.basename(f)));
    expect(upstream).toEqual([]);
    expect(files.has(path.join(PROXY, 'proxy-runtime.ts'))).toBe(true); // the walk did follow the entry
  });

  it('runs from a built entry that holds neither the SDK nor undici: they are files of their own, required when needed', () => {
    // Built by the global setup (test/global-setup.ts), as the app ships it (scripts/build.mjs).
    const out = path.resolve(PROXY, '../../out/proxy');
    const bundled = (file: string) =>
      [...fs.readFileSync(path.join(out, file), 'utf8').matchAll(/^\s*\/\/ .*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!);
    const heavy = (p: string) => p.startsWith('@modelcontextprotocol/') || p === 'undici' || p === 'zod';
    const entry = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
    expect(bundled('index.js').length).toBeGreaterThan(0); // esbuild marks each bundled file with its path
    expect(bundled('index.js').filter(heavy)).toEqual([]);
    expect(entry).toContain('require("./upstream.js")');
    expect(entry).toContain('require("./undici.js")');
    // The message path (a client's session) holds none of them either: the SDK is sdk.js, loaded on need.
    const upstream = fs.readFileSync(path.join(out, 'upstream.js'), 'utf8');
    expect(bundled('upstream.js').filter(heavy)).toEqual([]);
    expect(upstream).toContain('require("./sdk.js")');
    expect(bundled('sdk.js')).toContain('zod');
    expect(fs.readFileSync(path.join(out, 'sdk.js'), 'utf8')).not.toMatch(/node_modules\/undici\//); // one copy of undici, in undici.js
    expect(fs.existsSync(path.join(out, 'undici.js'))).toBe(true);
  });

  it('has the SDK loaded by sdk-module.ts alone, on first need, and imported as a value by no proxy file', () => {
    const sources = fs
      .readdirSync(PROXY, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => path.join(PROXY, f));
    expect(sources.filter((f) => valueImports(f).some((s) => s.startsWith('@modelcontextprotocol/'))).map((f) => path.relative(PROXY, f))).toEqual([]);
    const requirers = sources.filter((f) => /require\('@modelcontextprotocol\//.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(PROXY, f));
    expect(requirers).toEqual(['sdk-module.ts']);
  });

  it('runs a client session on a message path that imports nothing of the SDK', () => {
    const { files, packages } = loadedAtStart(path.join(PROXY, 'upstream.ts'));
    expect([...packages].filter((p) => p.startsWith('@modelcontextprotocol/') || p === 'zod')).toEqual([]);
    expect(files.has(path.join(PROXY, 'fast-session.ts'))).toBe(true); // the walk did follow the session
  });
});

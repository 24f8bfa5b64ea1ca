/** Property tests: generated valid configs in every format. */
import fc from 'fast-check';
import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonFormat } from './json';
import { tomlFormat } from './toml';
import { yamlFormat } from './yaml';
import type { ConfigFormat } from './types';

const OURS = { command: '/opt/App/app', args: ['/opt/App/out/connector/index.js', 'linear'], env: { ELECTRON_RUN_AS_NODE: '1' } };
const name = fc
  .string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', 'é', '☕', '-', '_', ' ', 'Z', '1') })
  .filter((s) => s.trim() === s && s !== 'linear');
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
const server = fc.record({ command: fc.string({ minLength: 1, maxLength: 10 }), args: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }) });
const servers = fc.dictionary(name, server, { minKeys: 0, maxKeys: 4 });
const others = fc.dictionary(
  name.filter((n) => n !== 'mcpServers' && n !== 'mcp_servers' && n !== 'extensions'),
  scalar,
  { maxKeys: 4 },
);

function dropEmpty(data: Record<string, unknown>, key: string) {
  const c = data[key] as Record<string, unknown> | undefined;
  if (c && typeof c === 'object') {
    const rest = { ...c };
    delete rest.linear;
    return Object.keys(rest).length ? { ...data, [key]: rest } : (({ [key]: _, ...r }) => r)(data);
  }
  return data;
}

function check(fmt: ConfigFormat, key: string, text: string) {
  const before = fmt.parse(text);
  expect(before.ok).toBe(true);
  const installed = fmt.setEntry(text, key, 'linear', OURS);
  const after = fmt.parse(installed);
  if (!after.ok) throw new Error(`${JSON.stringify(installed)}: ${after.error.message}`);
  expect((after.data[key] as Record<string, unknown>).linear).toEqual(OURS);
  expect(dropEmpty(after.data, key)).toEqual(dropEmpty(before.ok ? before.data : {}, key));
  // Only insertions: the original is a subsequence of the edited text.
  let k = 0;
  for (let i = 0; i < installed.length && k < text.length; i++) if (installed[i] === text[k]) k++;
  expect(k).toBe(text.length);
  // The shape is what the service records at install (the container had no entries before).
  const c = before.ok ? (before.data[key] as Record<string, unknown> | undefined) : undefined;
  const shape = c && Object.keys(c).length ? undefined : fmt.emptyShape?.(text, key);
  expect(fmt.removeEntry(installed, key, 'linear', shape)).toBe(text);
}

/** Whitespace-only files (0 bytes included). */
const blank = fc.array(fc.constantFrom('', ' ', '\t', '\n', '\r\n'), { maxLength: 4 }).map((a) => a.join(''));

const style = fc.record({ indent: fc.constantFrom('  ', '    ', '\t'), crlf: fc.boolean(), bom: fc.boolean(), finalNewline: fc.boolean() });
function finish(text: string, s: { crlf: boolean; bom: boolean; finalNewline: boolean }) {
  let t = text.replace(/\n+$/, '') + (s.finalNewline ? '\n' : '');
  if (s.crlf) t = t.replace(/\n/g, '\r\n');
  return (s.bom ? '\uFEFF' : '') + t;
}

describe('format properties', () => {
  it('JSON/JSONC: install then uninstall is byte-identical; nothing else changes', () => {
    fc.assert(
      fc.property(
        others,
        servers,
        style,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('{}', '{\n}', '{\n  }', '{ }', '{\n\n}'),
        (o, sv, s, withContainer, comments, empty) => {
          const doc: Record<string, unknown> = { ...o };
          if (withContainer) doc.mcpServers = sv;
          let text = JSON.stringify(doc, null, s.indent);
          // Empty objects (the root, the servers key) in the various ways people write them.
          if (text === '{}') text = empty;
          text = text.replace('"mcpServers": {}', `"mcpServers": ${empty}`);
          if (comments) text = text.replace(/,\n/g, ', // c\n').replace(/^\{/, '{ /* head */');
          check(jsonFormat, 'mcpServers', finish(text, s));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('JSON: empty and whitespace-only files, bare empty roots', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '{}', '{\n}', '{ }', '{\r\n}', '{\n\n}', '\uFEFF', '\uFEFF{\n}'), blank, blank, (root, pre, post) => {
        const text = root.startsWith('\uFEFF') ? '\uFEFF' + pre + root.slice(1) + post : pre + root + post;
        check(jsonFormat, 'mcpServers', text);
      }),
      { numRuns: 300 },
    );
    for (const text of [
      '',
      ' ',
      '\n',
      '\r\n',
      '{}',
      '{}\n',
      '{\n}',
      '{\n}\n',
      '{"mcpServers": {}}',
      '{\n  "mcpServers": {\n  }\n}\n',
      '{"a": 1, "mcpServers": { /* none */ }}',
    ]) {
      check(jsonFormat, 'mcpServers', text);
    }
  });

  it('JSONC with trailing commas', () => {
    fc.assert(
      fc.property(
        others,
        servers.filter((x) => Object.keys(x).length > 0),
        style,
        (o, sv, s) => {
          const text = JSON.stringify({ ...o, mcpServers: sv }, null, s.indent).replace(/([}\]"\d el])\n(\s*)([}\]])/g, '$1,\n$2$3');
          check(jsonFormat, 'mcpServers', finish(text, s));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('TOML', () => {
    fc.assert(
      fc.property(others, servers, style, fc.boolean(), (o, sv, s, comment) => {
        const doc: Record<string, unknown> = { ...o };
        if (Object.keys(sv).length) doc.mcp_servers = sv;
        let text = tomlStringify(doc);
        if (comment) text = `# top\n${text}\n# tail`;
        check(tomlFormat, 'mcp_servers', finish(text, { ...s, bom: false }));
      }),
      { numRuns: 300 },
    );
  });

  it('YAML', () => {
    fc.assert(
      fc.property(others, servers, style, fc.boolean(), (o, sv, s, comment) => {
        const doc: Record<string, unknown> = { ...o };
        if (Object.keys(sv).length) doc.extensions = sv;
        let text = Object.keys(doc).length ? yamlStringify(doc) : '';
        if (comment) text = `# top\n${text}# tail\n`;
        check(yamlFormat, 'extensions', finish(text, s));
      }),
      { numRuns: 300 },
    );
  });

  it('TOML and YAML: empty and whitespace-only files, an empty [mcp_servers] table, no extensions key', () => {
    fc.assert(
      fc.property(blank, fc.boolean(), (text, bom) => {
        check(tomlFormat, 'mcp_servers', text);
        check(yamlFormat, 'extensions', (bom ? '\uFEFF' : '') + text);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(others, style, fc.constantFrom('[mcp_servers]\n', '[mcp_servers]\n# none yet\n'), (o, s, table) => {
        check(tomlFormat, 'mcp_servers', finish(`${tomlStringify(o)}\n${table}`, { ...s, bom: false }));
      }),
      { numRuns: 100 },
    );
    for (const text of ['GOOSE_PROVIDER: openai\n', 'GOOSE_PROVIDER: openai', '# only a comment\n', '# only a comment']) check(yamlFormat, 'extensions', text);
  });

  it('malformed text is reported with a position, and edits refuse it', () => {
    for (const [fmt, text] of [
      [jsonFormat, '{"a": 1,, }'],
      [tomlFormat, 'a = \n'],
      [yamlFormat, 'a: [1\nb: 2\n'],
    ] as const) {
      const r = fmt.parse(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.line).toBeGreaterThanOrEqual(1);
    }
    expect(() => jsonFormat.setEntry('{"a": 1,, }', 'mcpServers', 'x', OURS)).toThrow();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (junk) => {
        const text = `{"mcpServers": {"a": {"command": "x"}}${junk}`;
        const r = jsonFormat.parse(text);
        if (!r.ok) expect(() => jsonFormat.setEntry(text, 'mcpServers', 'linear', OURS)).toThrow();
      }),
    );
  });
});

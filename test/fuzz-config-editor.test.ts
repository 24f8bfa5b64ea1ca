/**
 * Fuzz of the client-config editor through the real install path (ClientService on real files in
 * a temp home): crafted JSON/JSONC, TOML and YAML files — comments, BOM, CRLF, duplicate keys,
 * `__proto__`, deep nesting, non-map roots, wrong types at the servers key, random damage — must
 * end in one of two ways:
 *   - a correct edit: read with an independent reader, the file means exactly what it meant
 *     before plus our entry; uninstall brings the meaning (and here the bytes) back; or
 *   - a ClientConfigError with a sentence, and the file byte-for-byte untouched, no temp files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parseTree, type Node } from 'jsonc-parser/lib/esm/main.js';
import { parse as tomlParse, stringify as tomlStringify } from 'smol-toml';
import { parseDocument, stringify as yamlStringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConfigError, ClientService } from '../main/core/clients/client-service';
import { CLIENTS, pathContext, type ClientDef, type Launcher } from '../main/core/clients/client-table';
import { fuzzBudget } from './fixtures/fuzz';

const LAUNCHER: Launcher = {
  command: '/opt/MCP Switchboard/mcp-switchboard',
  connectorScript: '/opt/MCP Switchboard/out/connector/index.js',
  electronRunAsNode: true,
};
const SERVER_ID = 'fuzz-srv';

let home: string;
let service: ClientService;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cfgfuzz-'));
  service = new ClientService({ env: { HOME: home }, platform: 'linux', launcher: LAUNCHER, backupDir: path.join(home, 'backups') });
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const def = (id: string) => CLIENTS.find((c) => c.id === id)!;
const fileOf = (d: ClientDef) => d.configPath(pathContext({ HOME: home }, 'linux'))!;

// ---- independent readers: what the client itself would see (duplicate keys: the last wins) ----

type Meaning = unknown;

function jsonNode(n: Node): Meaning {
  if (n.type === 'object') {
    const m = new Map<string, Meaning>();
    for (const p of n.children ?? []) if (p.children?.[1]) m.set(p.children[0].value as string, jsonNode(p.children[1]));
    return m;
  }
  if (n.type === 'array') return (n.children ?? []).map(jsonNode);
  return n.value;
}

function readJson(text: string): Meaning | undefined {
  const errors: unknown[] = [];
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*$/.test(body)) return new Map();
  try {
    const root = parseTree(body, errors as never, { allowTrailingComma: true, disallowComments: false });
    return errors.length || !root || root.type !== 'object' ? undefined : jsonNode(root);
  } catch {
    return undefined; // nested past the stack: this reader cannot tell either
  }
}

function toMaps(v: unknown): Meaning {
  if (Array.isArray(v)) return v.map(toMaps);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object') return new Map(Object.keys(v).map((k) => [k, toMaps((v as Record<string, unknown>)[k])]));
  return v;
}

function readToml(text: string): Meaning | undefined {
  try {
    return toMaps(tomlParse(text.replace(/^\uFEFF/, '')));
  } catch {
    return undefined;
  }
}

function readYaml(text: string): Meaning | undefined {
  const d = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  if (d.errors.length) return undefined;
  let v: unknown;
  try {
    v = d.toJS({ mapAsMap: true }) as unknown;
  } catch {
    return undefined; // an alias bomb
  }
  if (v === null || v === undefined) return new Map();
  return v instanceof Map ? v : undefined;
}

const READERS: Record<string, (t: string) => Meaning | undefined> = { json: readJson, jsonc: readJson, toml: readToml, yaml: readYaml };

/** The meaning without our entry (and without a servers map that only held it). */
function withoutOurs(m: Meaning, key: string, name: string, hadContainer: boolean): Meaning {
  if (!(m instanceof Map)) return m;
  const out = new Map(m);
  const c = out.get(key);
  if (c instanceof Map) {
    const inner = new Map(c);
    inner.delete(name);
    if (inner.size === 0 && !hadContainer) out.delete(key);
    else out.set(key, inner);
  }
  return out;
}

// ---- hostile files ----------------------------------------------------------------------------

const keyName = fc.oneof(
  fc.constantFrom(
    'a',
    'b',
    'mcpServers',
    'servers',
    'mcp_servers',
    'extensions',
    '__proto__',
    'constructor',
    'toString',
    'fuzz-srv',
    'café ☕',
    'x.y',
    'a b',
    '"q"',
    '',
  ),
  fc.string({ maxLength: 6 }),
);
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(keyName, tie('v'), { maxKeys: 3 })),
})).v;
const entry = fc.record({ command: fc.string({ maxLength: 8 }), args: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }) }, { requiredKeys: [] });
const servers = fc.oneof({ weight: 4, arbitrary: fc.dictionary(keyName, entry, { maxKeys: 3 }) }, { weight: 1, arbitrary: value });
const doc = (key: string) =>
  fc.tuple(fc.dictionary(keyName, value, { maxKeys: 4 }), fc.option(servers, { nil: undefined })).map(([o, s]) => {
    const d: Record<string, unknown> = {};
    for (const k of Object.keys(o)) Object.defineProperty(d, k, { value: o[k], enumerable: true, writable: true, configurable: true });
    if (s !== undefined) d[key] = s;
    return d;
  });

/** Random damage: delete, duplicate or insert structural characters, or cut the file short. */
function damage(text: string, ops: Array<[number, number, string]>): string {
  let t = text;
  for (const [kind, at, ch] of ops) {
    const i = t.length ? at % t.length : 0;
    if (kind === 0) t = t.slice(0, i) + t.slice(i + 1);
    else if (kind === 1) t = t.slice(0, i) + ch + t.slice(i);
    else if (kind === 2) t = t.slice(0, i + 1) + t.slice(i);
    else t = t.slice(0, i);
  }
  return t;
}
const damageOps = (chars: string[]) => fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.constantFrom(...chars)), { minLength: 1, maxLength: 3 });
const style = fc.record({ crlf: fc.boolean(), bom: fc.boolean(), indent: fc.constantFrom(2, 4, '\t') });
const finish = (t: string, s: { crlf: boolean; bom: boolean }) => (s.bom ? '\uFEFF' : '') + (s.crlf ? t.replace(/\n/g, '\r\n') : t);

function stringifyJson(v: unknown, indent: number | string): string {
  // JSON.stringify drops a `__proto__` own key's meaning on re-parse with JSON.parse; keep it as text.
  return JSON.stringify(v, null, indent);
}

const jsonText = (key: string) =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(doc(key), style, fc.boolean(), fc.boolean()).map(([d, s, comments, dup]) => {
        let t = stringifyJson(d, s.indent);
        if (comments) t = t.replace(/,\n/g, ', // c\n').replace(/^\{/, '{ /* head */').replace(/\n\}$/, ',\n}');
        // A duplicate of the servers key (or of the first key): the last one is what clients read.
        if (dup) t = t.replace(/^\{/, `{"${key}": {"old": {"command": "x"}}, `);
        return finish(t, s);
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(doc(key), style, damageOps(['{', '}', '[', ']', ',', ':', '"', '/', '*', '\n', '\\', '\uFEFF']))
        .map(([d, s, ops]) => finish(damage(stringifyJson(d, s.indent), ops), s)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '[]',
        '42',
        'null',
        '"x"',
        'true',
        `{"${key}": []}`,
        `{"${key}": "x"}`,
        `{"${key}": null}`,
        `{"${key}": 5}`,
        `{"${key}": {"a": 1}, "${key}": {"b": {"command": "y"}}}`,
        `{"__proto__": {"${key}": {"a": {}}}}`,
        `{"${key}": {"__proto__": {"command": "p"}}}`,
        `{"a": ${'['.repeat(3000)}${']'.repeat(3000)}}`,
        `{"a": ${'{"b":'.repeat(3000)}1${'}'.repeat(3000)}}`,
        '{"a": 1} {"b": 2}',
        '{"a": 1}\u0000',
        '\uFEFF\uFEFF{}',
        `// c\n{"${key}": {}} // end`,
        `{"${key}": {/* only a comment */}}`,
        `{"mcp\\u0053ervers": {"a": {"command": "u"}}}`,
      ),
    },
  );

const tomlText = (key: string) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          doc(key).map((d) => JSON.parse(JSON.stringify(d, (_k, v) => (v === null ? 'null' : v)))),
          fc.boolean(),
          fc.boolean(),
        )
        .map(([d, crlf, comment]) => {
          let t: string;
          try {
            t = tomlStringify(d);
          } catch {
            t = '';
          }
          if (comment) t = `# top\n${t}\n# tail`;
          return crlf ? t.replace(/\n/g, '\r\n') : t;
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
          damageOps(['[', ']', '=', '"', "'", '\n', '#', '.', '{', '}']),
        )
        .map(([d, ops]) => damage(`${tomlStringify(d)}\n[${key}.x]\ncommand = "x"\n`, ops)),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `${key} = { a = { command = "x" } }\n`,
        `${key}.a.command = "x"\n`,
        `[${key}]\na.command = "x"\n`,
        `note = """\n[${key}.${SERVER_ID}]\ncommand = "in a string"\n"""\n`,
        `[[${key}]]\ncommand = "x"\n`,
        `${key} = "not a table"\n`,
        `${key} = []\n`,
        `a = ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
        `[${key}.a]\ncommand = "a"\n[${key}.a]\ncommand = "b"\n`,
        `[${key}."${SERVER_ID}"]\ncommand = "theirs"\n`,
        `[ ${key} . other ]\ncommand = "spaced"\n[profiles.x]\nmodel = "m"\n`,
        `[${key}.a]\ncommand = "a"\n[${key}.a.env]\nX = "1"\n`,
        `a = 1\r\n[${key}.b]\r\ncommand = "crlf"`,
        `\uFEFF[${key}.a]\ncommand = "bom"\n`,
      ),
    },
  );

const yamlText = (key: string) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(doc(key), fc.boolean(), fc.boolean(), fc.boolean()).map(([d, crlf, bom, comment]) => {
        let t = Object.keys(d).length ? yamlStringify(d) : '';
        if (comment) t = `# top\n${t}# tail\n`;
        return finish(t, { crlf, bom });
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(doc(key), damageOps([':', '-', ' ', '\t', '\n', '"', "'", '{', '[', '&', '*', '!', '#', '|']))
        .map(([d, ops]) => damage(yamlStringify(d), ops)),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        `${key}: {a: {cmd: x}}\n`,
        `${key}:\n  a: &x\n    cmd: x\n  b: *x\n`,
        `base: &b {cmd: x}\n${key}:\n  a:\n    <<: *b\n`,
        `${key}: !!map\n  a:\n    cmd: x\n`,
        `---\n${key}:\n  a:\n    cmd: x\n...\n`,
        `a: 1\n---\nb: 2\n`,
        `%YAML 1.2\n---\n${key}:\n  a:\n    cmd: x\n`,
        `${key}:\n    a:\n        cmd: x\n# end\n`,
        `${key}:\n  a:\n    cmd: x\n  # trailing comment in the map\nother: 1\n`,
        `${key}:\n`,
        `${key}: []\n`,
        `${key}: text\n`,
        `- a\n- b\n`,
        `just a string\n`,
        `${key}:\n  a:\n    cmd: |\n      line one\n      ${key}:\n`,
        `${key}:\n  a:\n    cmd: x\n  a:\n    cmd: y\n`,
        `? ${key}\n: a:\n    cmd: x\n`,
        `"${key}":\n  'a':\n    cmd: x\n`,
        `${key}:\n\ta:\n\t\tcmd: x\n`,
        `${key}: {}\n`,
        `${key}: {}  # none yet\r\nother: 1\r\n`,
        `top:\n  ${key}: {}\n${key}: {}`,
        `a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
        `a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n${key}:\n  z:\n    cmd: x\n`,
      ),
    },
  );

// ---- the property ---------------------------------------------------------------------------

const outcomes = { edited: 0, refused: 0 };

async function installProperty(d: ClientDef, text: string): Promise<void> {
  const file = fileOf(d);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const read = READERS[d.format];
  const before = read(text);
  const result = await service.install(SERVER_ID, d.id).then(
    (r) => r,
    (err: unknown) => err as Error,
  );
  const after = fs.readFileSync(file, 'utf8');
  // Never a temp file left beside the config.
  expect(fs.readdirSync(path.dirname(file)).filter((f) => f !== path.basename(file))).toEqual([]);
  if (result instanceof Error) {
    outcomes.refused++;
    expect(result, `${result.stack}\n--- file:\n${JSON.stringify(text)}`).toBeInstanceOf(ClientConfigError);
    expect(result.message.length).toBeGreaterThan(10);
    expect(after).toBe(text);
    return;
  }
  outcomes.edited++;
  // It was edited only when an independent reader understood the original…
  expect(before, `edited a file the reader refuses:\n${JSON.stringify(text)}`).toBeDefined();
  const now = read(after);
  expect(now, `the edit does not read back:\n${JSON.stringify(text)}\n→\n${JSON.stringify(after)}`).toBeDefined();
  // …and the edit added our entry and changed nothing else.
  const hadContainer = before instanceof Map && before.get(d.key) instanceof Map;
  const ours = ((now as Map<string, unknown>).get(d.key) as Map<string, unknown>).get(result.name);
  expect(ours).toBeInstanceOf(Map);
  const same = isDeepStrictEqual(withoutOurs(now, d.key, result.name, hadContainer), before);
  expect(same, `the edit changed other settings:\n${JSON.stringify(text)}\n→\n${JSON.stringify(after)}`).toBe(true);
  // Uninstall: back to the same meaning, and to the same bytes.
  await service.uninstall(SERVER_ID, d.id);
  const back = fs.readFileSync(file, 'utf8');
  expect(isDeepStrictEqual(read(back), before), `uninstall changed the meaning:\n${JSON.stringify(text)}\n→\n${JSON.stringify(back)}`).toBe(true);
  expect(back).toBe(text);
}

describe('config editor (fuzz, real files through ClientService)', () => {
  for (const [id, gen] of [
    ['claude-desktop', jsonText('mcpServers')],
    ['vscode', jsonText('servers')],
    ['codex', tomlText('mcp_servers')],
    ['goose', yamlText('extensions')],
  ] as const) {
    it(`${id} (${def(id).format}): a correct edit or a clear refusal that leaves the file untouched`, async () => {
      outcomes.edited = outcomes.refused = 0;
      await fc.assert(
        fc.asyncProperty(gen, (text) => installProperty(def(id), text)),
        fuzzBudget(250, 2500),
      );
      // The generators reach both outcomes (even when a slow machine stops the run early).
      expect(outcomes.edited).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });
  }

  it('huge files: a 1 MB value is kept and the edit is still exact', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await installProperty(def('claude-desktop'), JSON.stringify({ big, mcpServers: { a: { command: 'a' } } }, null, 2));
    await installProperty(def('codex'), `big = "${big}"\n[mcp_servers.a]\ncommand = "a"\n`);
    await installProperty(def('goose'), `big: ${big}\nextensions:\n  a:\n    cmd: a\n`);
  });
});

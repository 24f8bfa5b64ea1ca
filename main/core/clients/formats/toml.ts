/**
 * TOML (Codex) edits: our entry is one `[key.name]` table of whole lines, appended at the end or
 * replaced in place; everything else is kept byte for byte. smol-toml parses (for reading, errors
 * with line and column, and the read-back check).
 */
import { parse, TomlError } from 'smol-toml';
import { appendLines, ConfigEditError, eolOf, removeLines, type ConfigFormat, type ParseResult } from './types';

const BOM = '\uFEFF';
const BARE = /^[A-Za-z0-9_-]+$/;

function keyText(k: string): string {
  return BARE.test(k) ? k : JSON.stringify(k);
}

function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (v && typeof v === 'object') {
    const parts = Object.entries(v).map(([k, x]) => `${keyText(k)} = ${tomlValue(x)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  throw new ConfigEditError(`cannot write ${String(v)} to TOML`);
}

function tableLines(key: string, name: string, value: Record<string, unknown>): string[] {
  return [`[${keyText(key)}.${keyText(name)}]`, ...Object.entries(value).map(([k, v]) => `${keyText(k)} = ${tomlValue(v)}`)];
}

/** Splits a header like `mcp_servers."a b".env` into its keys (quoted or bare, spaces around dots). */
function headerKeys(line: string): string[] | undefined {
  const m = /^\s*\[(?!\[)(.*)\]\s*(#.*)?$/.exec(line);
  if (!m) return undefined;
  const keys: string[] = [];
  const re = /\s*(?:([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(\.|$)/y;
  const s = m[1];
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const k = re.exec(s);
    if (!k) return undefined;
    keys.push(k[1] ?? (k[2] !== undefined ? (JSON.parse(`"${k[2]}"`) as string) : k[3]));
    pos = re.lastIndex;
    if (k[4] === '') break;
  }
  return keys;
}

interface Line {
  start: number;
  end: number; // after the line break
  text: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl + 1;
    out.push({ start, end, text: text.slice(start, nl === -1 ? end : text[nl - 1] === '\r' ? nl - 1 : nl) });
    start = end;
  }
  return out;
}

/** The span [start, end) of the `[key.name]` table and its sub-tables, up to its last key line. */
function findTable(text: string, key: string, name: string): { start: number; end: number } | undefined {
  const ls = lines(text);
  const isOurs = (keys: string[] | undefined) => !!keys && keys.length >= 2 && keys[0] === key && keys[1] === name;
  const i = ls.findIndex((l) => {
    const k = headerKeys(l.text);
    return isOurs(k) && k!.length === 2;
  });
  if (i === -1) return undefined;
  let lastContent = i;
  for (let j = i + 1; j < ls.length; j++) {
    const t = ls[j].text.trim();
    if (t.startsWith('[')) {
      const k = headerKeys(ls[j].text);
      if (!isOurs(k)) break;
    }
    if (t !== '' && !t.startsWith('#')) lastContent = j;
  }
  return { start: ls[i].start, end: ls[lastContent].end };
}

export const tomlFormat: ConfigFormat = {
  parse(text): ParseResult {
    const body = text.startsWith(BOM) ? text.slice(1) : text;
    try {
      // Plain objects (smol-toml builds null-prototype ones); dates become ISO strings.
      return { ok: true, data: JSON.parse(JSON.stringify(parse(body))) as Record<string, unknown> };
    } catch (err) {
      if (err instanceof TomlError) {
        const first = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
        return { ok: false, error: { message: first, line: err.line, column: err.column } };
      }
      return { ok: false, error: { message: (err as Error).message, line: 1, column: 1 } };
    }
  },
  setEntry(text, key, name, value) {
    const eol = eolOf(text);
    const block = tableLines(key, name, value);
    const span = findTable(text, key, name);
    if (span) {
      const tail = text.slice(span.end);
      const endsWithEol = /\n$/.test(text.slice(span.start, span.end));
      return text.slice(0, span.start) + block.join(eol) + (endsWithEol ? eol : '') + tail;
    }
    return appendLines(text, block, eol);
  },
  removeEntry(text, key, name) {
    const span = findTable(text, key, name);
    if (!span) {
      const parsed = this.parse(text);
      const container = parsed.ok ? (parsed.data[key] as Record<string, unknown> | undefined) : undefined;
      if (container && typeof container === 'object' && name in container) {
        throw new ConfigEditError(`"${key}.${name}" is not written as a [${key}.${name}] table; remove it by hand`);
      }
      return text;
    }
    return removeLines(text, span.start, span.end);
  },
};

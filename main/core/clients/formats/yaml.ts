/**
 * YAML (Goose) edits: the `yaml` package parses (errors with line and column, node ranges); our
 * entry is spliced in as whole lines at the end of the block map under `key` (or a new `key:` block
 * at the end of the file), so comments, quoting and order elsewhere stay byte for byte.
 */
import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { appendLines, ConfigEditError, eolOf, lineStart, nextLineStart, removeLines, type ConfigFormat, type ParseResult } from './types';

const BOM = '\uFEFF';

function flowValue(v: unknown): string {
  // JSON is valid YAML flow syntax; strings are double-quoted so nothing is reinterpreted.
  return JSON.stringify(v);
}

function entryLines(name: string, value: Record<string, unknown>, indent: string, unit: string): string[] {
  return [`${indent}${flowValue(name)}:`, ...Object.entries(value).map(([k, v]) => `${indent}${unit}${k}: ${flowValue(v)}`)];
}

function doc(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: true, uniqueKeys: true });
}

function topMap(d: Document.Parsed): YAMLMap | undefined {
  return isMap(d.contents) ? (d.contents as YAMLMap) : undefined;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === key);
}

function columnOf(text: string, offset: number): string {
  return text.slice(lineStart(text, offset), offset);
}

/** [start of the pair's first line, start of the line after the pair's value]. */
function pairLines(text: string, pair: Pair): { start: number; end: number } {
  const k = pair.key as { range?: [number, number, number] };
  const v = pair.value as { range?: [number, number, number] } | null;
  const start = lineStart(text, k.range![0]);
  const valueEnd = v?.range ? v.range[1] : k.range![1];
  const end = text[valueEnd - 1] === '\n' ? valueEnd : nextLineStart(text, valueEnd);
  return { start, end };
}

export const yamlFormat: ConfigFormat = {
  parse(text): ParseResult {
    const d = doc(text.startsWith(BOM) ? text.slice(1) : text);
    if (d.errors.length) {
      const e = d.errors[0];
      const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
      return { ok: false, error: { message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), line: pos.line, column: pos.col } };
    }
    let js: unknown;
    try {
      js = d.toJS() as unknown;
    } catch (err) {
      // An alias bomb or nesting past the stack: refused, with the reason.
      return { ok: false, error: { message: (err as Error).message.split('\n')[0], line: 1, column: 1 } };
    }
    if (js === null || js === undefined) return { ok: true, data: {} };
    if (typeof js !== 'object' || Array.isArray(js)) return { ok: false, error: { message: 'the top level is not a map', line: 1, column: 1 } };
    return { ok: true, data: js as Record<string, unknown> };
  },
  setEntry(text, key, name, value) {
    const [bom, body] = text.startsWith(BOM) ? [BOM, text.slice(1)] : ['', text];
    const eol = eolOf(body);
    const d = doc(body);
    if (d.errors.length) throw new ConfigEditError('the file does not parse');
    const root = topMap(d);
    if (!root && d.contents !== null) throw new ConfigEditError('the top level is not a map');
    const containerPair = root ? findPair(root, key) : undefined;
    if (!containerPair || containerPair.value === null || (isScalar(containerPair.value) && containerPair.value.value === null)) {
      if (containerPair) throw new ConfigEditError(`"${key}" is empty; write "${key}: {}" or remove it first`);
      const rootIndent = root && root.items.length ? columnOf(body, (root.items[0] as Pair<{ range: [number, number, number] }>).key.range[0]) : '';
      return bom + appendLines(body, [`${rootIndent}${key}:`, ...entryLines(name, value, rootIndent + '  ', '  ')], eol);
    }
    const container = containerPair.value;
    if (isMap(container) && (container as YAMLMap).flow && !(container as YAMLMap).items.length) {
      // `key: {}` (an empty flow map): it becomes a block map holding our entry. The key's line
      // keeps everything but the `{}` (a comment after it, say); emptyShape remembers the line.
      const range = (container as { range: [number, number, number] }).range;
      const keyCol = columnOf(body, (containerPair.key as { range: [number, number, number] }).range[0]);
      const head = body.slice(0, range[0]).replace(/[ \t]+$/, '');
      const cut = head + body.slice(range[1]);
      const at = nextLineStart(cut, head.length);
      const lines = entryLines(name, value, keyCol + '  ', '  ');
      if (at >= cut.length && !/\n$/.test(cut)) return bom + cut + eol + lines.join(eol);
      return bom + cut.slice(0, at) + lines.join(eol) + eol + cut.slice(at);
    }
    if (!isMap(container) || (container as YAMLMap).flow)
      throw new ConfigEditError(`"${key}" is not a block map (a flow map like {a: …} or not a map at all); edit it by hand`);
    const map = container as YAMLMap;
    const first = map.items[0] as Pair<{ range: [number, number, number] }>;
    const indent = columnOf(body, first.key.range[0]);
    const existing = findPair(map, name);
    if (existing) {
      const span = pairLines(body, existing);
      const endsWithEol = /\n$/.test(body.slice(span.start, span.end));
      const lines = entryLines(name, value, columnOf(body, (existing.key as { range: [number, number, number] }).range[0]), '  ');
      return bom + body.slice(0, span.start) + lines.join(eol) + (endsWithEol ? eol : '') + body.slice(span.end);
    }
    const last = map.items[map.items.length - 1] as Pair;
    const { end } = pairLines(body, last);
    const lines = entryLines(name, value, indent, '  ');
    if (end >= body.length) return bom + appendLines(body, lines, eol);
    return bom + body.slice(0, end) + lines.join(eol) + eol + body.slice(end);
  },
  emptyShape(text, key) {
    const body = text.startsWith(BOM) ? text.slice(1) : text;
    const d = doc(body);
    if (d.errors.length) return undefined;
    const pair = topMap(d) ? findPair(topMap(d)!, key) : undefined;
    if (!pair || !isMap(pair.value) || (pair.value as YAMLMap).items.length) return undefined;
    // YAML: `container` is the key's whole original line (`key: {}  # comment`), without its newline.
    const start = lineStart(body, (pair.key as { range: [number, number, number] }).range[0]);
    const end = body.indexOf('\n', start);
    const line = body.slice(start, end === -1 ? body.length : end);
    return { container: line.endsWith('\r') ? line.slice(0, -1) : line };
  },
  removeEntry(text, key, name, shape) {
    const [bom, body] = text.startsWith(BOM) ? [BOM, text.slice(1)] : ['', text];
    const d = doc(body);
    if (d.errors.length) throw new ConfigEditError('the file does not parse');
    const root = topMap(d);
    const containerPair = root ? findPair(root, key) : undefined;
    if (!containerPair || !isMap(containerPair.value)) return text;
    const map = containerPair.value as YAMLMap;
    const pair = findPair(map, name);
    if (!pair) return text;
    if (map.flow) throw new ConfigEditError(`"${key}" is a flow map; remove "${name}" by hand`);
    const target = map.items.length === 1 ? containerPair : pair;
    const { start, end } = pairLines(body, target);
    if (target === containerPair && shape?.container !== undefined) {
      // The container was `key: {}` before our first entry: put that line back.
      const eol = eolOf(body);
      const endsWithEol = /\n$/.test(body.slice(start, end));
      return bom + body.slice(0, start) + shape.container + (endsWithEol ? eol : '') + body.slice(end);
    }
    return bom + removeLines(body, start, end);
  },
};

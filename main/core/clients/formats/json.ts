/**
 * JSON and JSONC edits by splicing text at offsets from jsonc-parser's tree: nothing outside our
 * entry is re-formatted (jsonc-parser's own `modify` re-formats neighbouring values, so it is not
 * used). The inserted entry follows the file's indentation and line endings.
 */
import { createScanner, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js'; // the UMD 'main' cannot be bundled by esbuild
import { ConfigEditError, eolOf, lineColumn, type ConfigFormat, type EmptyShape, type ParseResult } from './types';

const BOM = '\uFEFF';
// jsonc-parser's SyntaxKind is an ambient const enum (unusable with isolatedModules).
const COMMA = 5;
const TRIVIA = new Set([12, 13, 14, 15]);

/** Deeper than any real config; the parser and our readers recurse, so a crafted file could overflow the stack. */
export const MAX_DEPTH = 200;
const TOO_DEEP = 0x7fff; // our own ParseErrorCode: "nested too deeply"

/** The nesting depth of `text` (brackets outside strings and comments), stopping at `limit`. */
function depthOver(text: string, limit: number): number {
  const s = createScanner(text, false);
  let depth = 0;
  for (let k = s.scan(); k !== 17 /* EOF */; k = s.scan()) {
    if (k === 1 || k === 3) {
      // { or [
      if (++depth > limit) return s.getTokenOffset();
    } else if (k === 2 || k === 4) depth--;
  }
  return -1;
}

function tree(text: string): { root: Node | undefined; errors: ParseError[] } {
  const errors: ParseError[] = [];
  const deep = depthOver(text, MAX_DEPTH);
  if (deep !== -1) return { root: undefined, errors: [{ error: TOO_DEEP as ParseError['error'], offset: deep, length: 1 }] };
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  return { root, errors };
}

function errorText(code: ParseError['error']): string {
  return (code as number) === TOO_DEEP ? `nested more than ${MAX_DEPTH} levels deep` : printParseErrorCode(code);
}

function parseBody(body: string): ParseResult {
  const { root, errors } = tree(body);
  if (errors.length) {
    const e = errors[0];
    const { line, column } = lineColumn(body, e.offset);
    return { ok: false, error: { message: errorText(e.error), line, column } };
  }
  if (!root) return { ok: true, data: {} };
  if (root.type !== 'object') {
    const { line, column } = lineColumn(body, root.offset);
    return { ok: false, error: { message: 'the top level is not an object', line, column } };
  }
  return { ok: true, data: nodeValue(root) as Record<string, unknown> };
}

function nodeValue(n: Node): unknown {
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      // defineProperty: a "__proto__" key is data, as JSON.parse reads it, not the object's prototype.
      for (const p of n.children ?? [])
        if (p.children?.[1])
          Object.defineProperty(o, p.children[0].value as string, { value: nodeValue(p.children[1]), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'array':
      return (n.children ?? []).map(nodeValue);
    default:
      return n.value;
  }
}

function splitBom(text: string): [string, string] {
  return text.startsWith(BOM) ? [BOM, text.slice(1)] : ['', text];
}

/** The last property of that name: with duplicate keys, the one JSON.parse (and so the client) uses. */
function findProperty(obj: Node, name: string): Node | undefined {
  const props = obj.children ?? [];
  for (let i = props.length - 1; i >= 0; i--) if (props[i].children?.[0]?.value === name) return props[i];
  return undefined;
}

/** The first non-trivia token at or after `pos`. */
function nextToken(text: string, pos: number): { kind: number; offset: number; length: number } {
  const s = createScanner(text, false);
  s.setPosition(pos);
  for (;;) {
    const k = s.scan();
    if (TRIVIA.has(k)) continue;
    return { kind: k, offset: s.getTokenOffset(), length: s.getTokenLength() };
  }
}

function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(start, offset));
  return m ? m[0] : '';
}

/** Whether only whitespace precedes `offset` on its line. */
function startsLine(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(start, offset));
}

function detectUnit(text: string): string {
  const m = /\n([ \t]+)["}\]]/.exec(text);
  if (!m) return '  ';
  return m[1].startsWith('\t') ? '\t' : m[1];
}

/** If only whitespace and a line comment follow `pos` on its line, the offset of that line break. */
function endOfLineIfTrivia(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  const end = nl === -1 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  const rest = text.slice(pos, end);
  return /^[ \t]*(\/\/.*)?$/.test(rest) ? end : pos;
}

function stringifyAt(value: unknown, unit: string, base: string, eol: string): string {
  return JSON.stringify(value, null, unit)
    .split('\n')
    .join(eol + base);
}

/** Inserts `"name": value` as the last property of object node `obj`. */
function insertProperty(text: string, obj: Node, name: string, value: unknown): string {
  const eol = eolOf(text);
  const unit = detectUnit(text);
  const props = obj.children ?? [];
  const close = obj.offset + obj.length - 1; // the '}'
  if (props.length === 0) {
    const outer = indentAt(text, obj.offset);
    const child = outer + unit;
    const inner = text.slice(obj.offset + 1, close);
    const entry = `${JSON.stringify(name)}: ${stringifyAt(value, unit, child, eol)}`;
    if (/^\s*$/.test(inner) && inner.includes('\n')) {
      return text.slice(0, obj.offset + 1) + eol + child + entry + inner + text.slice(close);
    }
    // `{}` (or comments only): open it up.
    return text.slice(0, obj.offset + 1) + eol + child + entry + eol + outer + text.slice(obj.offset + 1);
  }
  const last = props[props.length - 1];
  const child = startsLine(text, last.offset) ? indentAt(text, last.offset) : indentAt(text, obj.offset) + unit;
  const entry = `${JSON.stringify(name)}: ${stringifyAt(value, unit, child, eol)}`;
  const after = nextToken(text, last.offset + last.length);
  if (after.kind === COMMA) {
    // Trailing comma style: keep it.
    const at = endOfLineIfTrivia(text, after.offset + 1);
    return text.slice(0, at) + eol + child + entry + ',' + text.slice(at);
  }
  const at = last.offset + last.length;
  return text.slice(0, at) + ',' + eol + child + entry + text.slice(at);
}

/** Removes property node `prop` from object node `obj`; the inverse of insertProperty. */
function deleteProperty(text: string, obj: Node, prop: Node): string {
  const props = obj.children ?? [];
  const i = props.indexOf(prop);
  const end = prop.offset + prop.length;
  const after = nextToken(text, end);
  if (props.length === 1) {
    // Inverse of inserting into an empty object: drop what insertProperty added.
    const close = obj.offset + obj.length - 1;
    let rest = text.slice(after.kind === COMMA ? after.offset + 1 : end, close);
    const lead = eolOf(text) + indentAt(text, obj.offset);
    if (/^\s*$/.test(rest)) rest = rest === lead ? '' : rest;
    else if (rest.startsWith(lead)) rest = rest.slice(lead.length);
    return text.slice(0, obj.offset + 1) + rest + text.slice(close);
  }
  if (after.kind === COMMA) {
    let start: number;
    if (i > 0) {
      const prev = props[i - 1];
      const comma = nextToken(text, prev.offset + prev.length);
      start = endOfLineIfTrivia(text, comma.offset + 1);
    } else {
      start = obj.offset + 1;
    }
    const stop = i > 0 ? after.offset + 1 : props[i + 1].offset - (props[i + 1].offset - lineBreakBefore(text, props[i + 1].offset));
    return text.slice(0, start) + text.slice(stop);
  }
  // The last property, no trailing comma: remove from the end of the previous one.
  const prev = props[i - 1];
  return text.slice(0, prev.offset + prev.length) + text.slice(end);
}

/** For the first property followed by others: the offset of the line break before `offset` (or offset). */
function lineBreakBefore(text: string, offset: number): number {
  if (!startsLine(text, offset)) return offset;
  const nl = text.lastIndexOf('\n', offset - 1);
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

function span(text: string, n: Node): string {
  return text.slice(n.offset, n.offset + n.length);
}

/** An object node with no members and only whitespace between its braces. */
function isBlankObject(text: string, n: Node): boolean {
  return n.type === 'object' && !n.children?.length && /^\s*$/.test(text.slice(n.offset + 1, n.offset + n.length - 1));
}

function edit(text: string, fn: (body: string, root: Node) => string): string {
  const [bom, body0] = splitBom(text);
  let body = body0;
  if (/^\s*$/.test(body)) body = '{}' + body;
  const { root, errors } = tree(body);
  if (errors.length || !root || root.type !== 'object')
    throw new ConfigEditError(errors.length ? `the file does not parse (${errorText(errors[0].error)})` : 'the top level is not an object');
  const out = fn(body, root);
  return bom + out;
}

export const jsonFormat: ConfigFormat = {
  parse(text) {
    return parseBody(splitBom(text)[1]);
  },
  setEntry(text, key, name, value) {
    const wasEmpty = /^\s*$/.test(splitBom(text)[1]);
    return edit(text, (body, root) => {
      const containerProp = findProperty(root, key);
      if (!containerProp) {
        const out = insertProperty(body, root, key, { [name]: value });
        return wasEmpty && !/\n$/.test(out) ? out + eolOf(out) : out;
      }
      const container = containerProp.children?.[1];
      if (!container || container.type !== 'object') throw new ConfigEditError(`"${key}" is not an object`);
      const existing = findProperty(container, name);
      if (existing) {
        const v = existing.children![1];
        const eol = eolOf(body);
        const unit = detectUnit(body);
        const base = indentAt(body, existing.offset);
        return body.slice(0, v.offset) + stringifyAt(value, unit, base, eol) + body.slice(v.offset + v.length);
      }
      return insertProperty(body, container, name, value);
    });
  },
  emptyShape(text, key) {
    const body = splitBom(text)[1];
    if (/^\s*$/.test(body)) return { file: body };
    const { root, errors } = tree(body);
    if (errors.length || !root || root.type !== 'object') return undefined;
    const container = findProperty(root, key)?.children?.[1];
    if (container) return container.type === 'object' && !container.children?.length ? { container: span(body, container) } : undefined;
    return root.children?.length ? undefined : { root: span(body, root) };
  },
  removeEntry(text, key, name, shape?: EmptyShape) {
    return edit(text, (body, root) => {
      const containerProp = findProperty(root, key);
      const container = containerProp?.children?.[1];
      if (!containerProp || !container || container.type !== 'object') return body;
      const prop = findProperty(container, name);
      if (!prop) return body;
      if ((container.children ?? []).length > 1) return deleteProperty(body, container, prop);
      if (shape?.container !== undefined) {
        // The container was there, empty: keep it, as it was (unless something else is now in it).
        const out = deleteProperty(body, container, prop);
        const c = findProperty(tree(out).root!, key)!.children![1];
        return isBlankObject(out, c) ? out.slice(0, c.offset) + shape.container + out.slice(c.offset + c.length) : out;
      }
      const out = deleteProperty(body, root, containerProp);
      const r = tree(out).root!;
      if (!isBlankObject(out, r)) return out;
      if (shape?.file !== undefined && /^\s*$/.test(out.slice(0, r.offset) + out.slice(r.offset + r.length))) return shape.file;
      if (shape?.root !== undefined) return out.slice(0, r.offset) + shape.root + out.slice(r.offset + r.length);
      return out;
    });
  },
};

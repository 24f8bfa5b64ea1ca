/** What every config-file format offers the installer: parse, and surgical text edits. */
export interface ParseFailure {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type ParseResult = { ok: true; data: Record<string, unknown> } | { ok: false; error: ParseFailure };

export interface ConfigFormat {
  parse(text: string): ParseResult;
  /**
   * Returns the text with `container[name] = value` (container = the object at `key`), creating the
   * container when missing, replacing an existing entry of that name in place. Every byte outside
   * the entry (and the container's own brackets when it had to be created) is kept.
   */
  setEntry(text: string, key: string, name: string, value: Record<string, unknown>): string;
  /** Returns the text without `container[name]`; an emptied container is removed too. */
  removeEntry(text: string, key: string, name: string): string;
}

export class ConfigEditError extends Error {}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Removes whole lines [from, to) — offsets at line starts — applying the "no final newline" rule. */
export function removeLines(text: string, from: number, to: number): string {
  if (to >= text.length && !/\n$/.test(text) && from > 0) {
    // Our lines ran to the end without a final newline: the newline before them was ours too.
    const cut = text[from - 2] === '\r' ? from - 2 : from - 1;
    return text.slice(0, cut);
  }
  return text.slice(0, from) + text.slice(to);
}

/** Appends whole lines at the end of the text; inverse of removeLines. */
export function appendLines(text: string, lines: string[], eol: string): string {
  const block = lines.join(eol);
  if (text === '') return block + eol;
  if (/\n$/.test(text)) return text + block + eol;
  return text + eol + block;
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i + 1;
}

/** Offset just after the end of the line holding `offset` (after its newline), or text length. */
export function nextLineStart(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
}

/** What every config-file format offers the installer: parse, and surgical text edits. */
export interface ParseFailure {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type ParseResult = { ok: true; data: Record<string, unknown> } | { ok: false; error: ParseFailure };

/**
 * What the file looked like around the servers container before an install put the first entry
 * into it: an uninstall that empties the container again puts this text back, so install then
 * uninstall is byte-identical even where the edit alone cannot tell (`{}` and `{\n}` both become
 * the same text with an entry in it). Original texts without the BOM.
 */
export interface EmptyShape {
  /** The whole file was empty or whitespace only. */
  file?: string;
  /** The container was absent and the root had no members: the root's original text. */
  root?: string;
  /** The container existed with no members: its value's original text (the key is kept). */
  container?: string;
}

export interface ConfigFormat {
  parse(text: string): ParseResult;
  /** The EmptyShape of `text` when its container under `key` has no entries (else undefined). */
  emptyShape?(text: string, key: string): EmptyShape | undefined;
  /**
   * Returns the text with `container[name] = value` (container = the object at `key`), creating the
   * container when missing, replacing an existing entry of that name in place. Every byte outside
   * the entry (and the container's own brackets when it had to be created) is kept.
   */
  setEntry(text: string, key: string, name: string, value: Record<string, unknown>): string;
  /**
   * Returns the text without `container[name]`; an emptied container is removed too, unless
   * `shape` (from emptyShape before the install) says how it looked before: then that is restored.
   */
  removeEntry(text: string, key: string, name: string, shape?: EmptyShape): string;
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

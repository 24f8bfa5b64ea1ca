/**
 * Virtual scrolling arithmetic for a list of fixed-height rows: which rows to put in the DOM for a
 * scroll position, and where keys move the scroll position. Pure; unit-tested.
 */

export interface WindowInput {
  count: number;
  rowHeight: number;
  viewportHeight: number;
  scrollTop: number;
  /** Extra rows rendered above and below the visible ones. */
  overscan: number;
}

export interface RowWindow {
  /** First row index in the DOM. */
  start: number;
  /** One past the last row index in the DOM. */
  end: number;
  /** Pixels from the top of the content to row `start`. */
  offset: number;
  /** Height of the whole content. */
  total: number;
}

export function maxScrollTop(count: number, rowHeight: number, viewportHeight: number): number {
  return Math.max(0, count * rowHeight - viewportHeight);
}

export function computeWindow({ count, rowHeight, viewportHeight, scrollTop, overscan }: WindowInput): RowWindow {
  const total = Math.max(0, count) * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: Math.max(0, total) };
  const top = Math.min(Math.max(0, scrollTop), maxScrollTop(count, rowHeight, viewportHeight));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight); // exclusive
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, offset: start * rowHeight, total };
}

export interface ScrollState {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
}

/**
 * Where a key press moves the list: PageUp/PageDown by a page less one row (a line of context),
 * Home/End to the ends, ArrowUp/ArrowDown by a row. Undefined: not a scrolling key.
 */
export function scrollTargetForKey(key: string, s: ScrollState): number | undefined {
  const max = maxScrollTop(s.count, s.rowHeight, s.viewportHeight);
  const page = Math.max(s.rowHeight, s.viewportHeight - s.rowHeight);
  const clamp = (v: number) => Math.min(max, Math.max(0, v));
  switch (key) {
    case 'PageDown':
      return clamp(s.scrollTop + page);
    case 'PageUp':
      return clamp(s.scrollTop - page);
    case 'Home':
      return 0;
    case 'End':
      return max;
    case 'ArrowDown':
      return clamp(s.scrollTop + s.rowHeight);
    case 'ArrowUp':
      return clamp(s.scrollTop - s.rowHeight);
    default:
      return undefined;
  }
}

/** The list counts as "at the latest line" within half a row of the bottom. */
export function isAtBottom(scrollTop: number, viewportHeight: number, contentHeight: number, rowHeight: number): boolean {
  return scrollTop + viewportHeight >= contentHeight - rowHeight / 2;
}

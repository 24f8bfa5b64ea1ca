import { describe, expect, it } from 'vitest';
import { computeWindow, isAtBottom, maxScrollTop, scrollTargetForKey } from './log-window';

describe('computeWindow', () => {
  const base = { rowHeight: 20, viewportHeight: 200, overscan: 5 };
  it('renders the visible rows plus overscan', () => {
    expect(computeWindow({ ...base, count: 100_000, scrollTop: 20_000 })).toEqual({ start: 995, end: 1015, offset: 19_900, total: 2_000_000 });
  });
  it('clamps at the top and at the bottom', () => {
    expect(computeWindow({ ...base, count: 1000, scrollTop: -50 })).toMatchObject({ start: 0, end: 15 });
    const w = computeWindow({ ...base, count: 1000, scrollTop: 1e9 });
    expect(w.end).toBe(1000);
    expect(w.start).toBe(1000 - 10 - 5);
  });
  it('handles fewer rows than fit, and no rows', () => {
    expect(computeWindow({ ...base, count: 3, scrollTop: 0 })).toEqual({ start: 0, end: 3, offset: 0, total: 60 });
    expect(computeWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });
  it('never renders more than a viewport plus overscan, wherever it is', () => {
    for (let top = 0; top < 20_000; top += 137) {
      const w = computeWindow({ ...base, count: 1000, scrollTop: top });
      expect(w.end - w.start).toBeLessThanOrEqual(200 / 20 + 1 + 2 * 5);
      expect(w.offset).toBe(w.start * 20);
    }
  });
  it('includes a partly visible last row', () => {
    const w = computeWindow({ ...base, overscan: 0, count: 100, scrollTop: 10 });
    expect(w).toMatchObject({ start: 0, end: 11 });
  });
});

describe('scrollTargetForKey', () => {
  const s = { scrollTop: 1000, viewportHeight: 200, rowHeight: 20, count: 1000 };
  it('pages by a viewport less one row, and jumps to the ends', () => {
    expect(scrollTargetForKey('PageDown', s)).toBe(1180);
    expect(scrollTargetForKey('PageUp', s)).toBe(820);
    expect(scrollTargetForKey('Home', s)).toBe(0);
    expect(scrollTargetForKey('End', s)).toBe(maxScrollTop(1000, 20, 200));
    expect(scrollTargetForKey('ArrowDown', s)).toBe(1020);
    expect(scrollTargetForKey('ArrowUp', s)).toBe(980);
  });
  it('clamps, and ignores other keys', () => {
    expect(scrollTargetForKey('PageUp', { ...s, scrollTop: 50 })).toBe(0);
    expect(scrollTargetForKey('PageDown', { ...s, scrollTop: 19_790 })).toBe(19_800);
    expect(scrollTargetForKey('a', s)).toBeUndefined();
  });
});

describe('isAtBottom', () => {
  it('allows half a row of slack', () => {
    expect(isAtBottom(800, 200, 1000, 20)).toBe(true);
    expect(isAtBottom(791, 200, 1000, 20)).toBe(true);
    expect(isAtBottom(780, 200, 1000, 20)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('refuses a capacity below 1', () => {
    expect(() => new RingBuffer(0)).toThrow('capacity must be positive');
    expect(() => new RingBuffer(-3)).toThrow('capacity must be positive');
  });

  it('keeps everything while under capacity, oldest first', () => {
    const r = new RingBuffer<number>(5);
    expect(r.size).toBe(0);
    expect(r.tail()).toEqual([]);
    r.push(1);
    r.push(2);
    r.push(3);
    expect(r.size).toBe(3);
    expect(r.tail()).toEqual([1, 2, 3]);
  });

  it('keeps only the newest `capacity` items once full', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i++) r.push(i);
    expect(r.size).toBe(3);
    expect(r.capacity).toBe(3);
    expect(r.tail()).toEqual([8, 9, 10]);
    r.push(11);
    expect(r.tail()).toEqual([9, 10, 11]);
  });

  it('returns the last `limit` items, clamped to what it has', () => {
    const r = new RingBuffer<string>(4);
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) r.push(s);
    expect(r.tail(2)).toEqual(['e', 'f']);
    expect(r.tail(1)).toEqual(['f']);
    expect(r.tail(0)).toEqual([]);
    expect(r.tail(-5)).toEqual([]);
    expect(r.tail(100)).toEqual(['c', 'd', 'e', 'f']);
  });

  it('works at every wrap-around offset', () => {
    for (let pushes = 0; pushes < 12; pushes++) {
      const r = new RingBuffer<number>(5);
      for (let i = 0; i < pushes; i++) r.push(i);
      const expected = Array.from({ length: pushes }, (_, i) => i).slice(-5);
      expect(r.tail()).toEqual(expected);
      expect(r.tail(2)).toEqual(expected.slice(-2));
    }
  });

  it('capacity 1 keeps the last item', () => {
    const r = new RingBuffer<string>(1);
    r.push('x');
    r.push('y');
    expect(r.tail()).toEqual(['y']);
  });

  it('clear empties it and it works again afterwards', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.tail()).toEqual([]);
    r.push(42);
    expect(r.tail()).toEqual([42]);
  });
});

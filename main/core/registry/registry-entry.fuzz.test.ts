/** Property tests of what the window may be shown from a registry: any string in, only safe text and links out. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainText, safeLink } from './registry-entry';

const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

const hostile = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '\u202eevil\u202c', 'javascript:alert(1)', 'a\u2028b'),
  fc.array(fc.constantFrom('<b>', '</b>', 'x', '\u202e', '\n', ' ', '<slug>', '<script>', '</script>', 'A'), { maxLength: 400 }).map((a) => a.join('')),
);

describe('registry text and links (fuzz)', () => {
  it('plainText: one line, no invisible or direction characters, no script or common HTML tags, at most max characters', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 2, max: 400 }), (raw, max) => {
        const t = plainText(raw, max);
        expect(t.length).toBeLessThanOrEqual(max);
        expect(INVISIBLE.test(t)).toBe(false);
        expect(/[\r\n\t]/.test(t)).toBe(false);
        expect(/<\/?(script|img|b|iframe)\b/i.test(t)).toBe(false);
      }),
    );
  });

  it('safeLink: only http(s) URLs without credentials come out', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.webUrl({ withQueryParameters: true, withFragments: true })), (raw) => {
        const link = safeLink(raw);
        if (link === undefined) return;
        const u = new URL(link);
        expect(['http:', 'https:']).toContain(u.protocol);
        expect(u.username + u.password).toBe('');
      }),
    );
    expect(safeLink('javascript:alert(1)')).toBeUndefined();
    expect(safeLink('data:text/html,x')).toBeUndefined();
    expect(safeLink(' https://github.com/a/b ')).toBe('https://github.com/a/b');
  });
});

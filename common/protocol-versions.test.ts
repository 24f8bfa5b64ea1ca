import { describe, expect, it } from 'vitest';
import { LATEST_LEGACY_VERSION, LATEST_MODERN_VERSION, PROTOCOL_REVISIONS, describeProtocol, eraOf, isModernVersion } from './protocol-versions';

describe('protocol revisions', () => {
  it('lists the revisions oldest first, each once', () => {
    const versions = PROTOCOL_REVISIONS.map((r) => r.version);
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('names the newest revision of each era', () => {
    const newest = (era: string) => PROTOCOL_REVISIONS.filter((r) => r.era === era).at(-1)!.version;
    expect(LATEST_LEGACY_VERSION).toBe(newest('legacy'));
    expect(LATEST_MODERN_VERSION).toBe(newest('modern'));
  });

  it('tells the era of a revision; an unknown one counts as the stateless era', () => {
    expect(eraOf('2025-06-18')).toBe('legacy');
    expect(eraOf('2026-07-28')).toBe('modern');
    expect(eraOf('2030-01-01')).toBeUndefined();
    expect(isModernVersion('2024-11-05')).toBe(false);
    expect(isModernVersion('2025-11-25')).toBe(false);
    expect(isModernVersion('2026-07-28')).toBe(true);
    expect(isModernVersion('2030-01-01')).toBe(true);
  });

  it('says what a connection speaks, in words for the server page', () => {
    expect(describeProtocol({ server: '2026-07-28', client: '2025-06-18', bridged: true })).toBe('client speaks 2025-06-18, server 2026-07-28, bridged');
    expect(describeProtocol({ server: '2025-11-25', client: '2025-11-25', bridged: false })).toBe('2025-11-25 (client and server)');
    expect(describeProtocol({ server: '2026-07-28' })).toBe('server speaks 2026-07-28');
  });
});

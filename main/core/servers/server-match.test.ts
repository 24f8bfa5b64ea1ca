import { describe, expect, it } from 'vitest';
import type { ServerRecord } from './server-model';
import { matchServer, sameHeaders } from './server-match';

const url = 'https://mcp.example.com/mcp';
const record = (id: string, name: string, headers: Record<string, string>, at = url): ServerRecord => ({
  id,
  name,
  url: at,
  enabled: true,
  headers,
  createdAt: 0,
});
const work = record('work', 'Work', { 'X-Api-Key': 'work-key' });
const home = record('home', 'Home', { 'X-Api-Key': 'home-key' });
const other = record('other', 'Other', { 'X-Api-Key': 'work-key' }, 'https://other.example.com/mcp');

describe('matchServer (which server `connect` means)', () => {
  it('the same URL and the same header values: that server', () => {
    expect(matchServer([other, home, work], { url, headers: { 'X-Api-Key': 'work-key' } })).toEqual({ kind: 'same', record: work });
    // Header names are case-insensitive; their order does not matter.
    expect(matchServer([work], { url, headers: { 'x-api-key': 'work-key' } })).toEqual({ kind: 'same', record: work });
  });

  it('the same header names with other values: no server (another account gets its own)', () => {
    expect(matchServer([work, home, other], { url, headers: { 'X-Api-Key': 'third-key' } })).toEqual({ kind: 'none' });
    expect(matchServer([work], { url, headers: {} })).toEqual({ kind: 'none' });
    expect(matchServer([work], { url, headers: { 'X-Api-Key': 'work-key', 'X-Team': 'a' } })).toEqual({ kind: 'none' });
  });

  it('a name that names a server of this URL: that server, to be updated when the values differ', () => {
    expect(matchServer([work, home], { url, name: 'work', headers: { 'X-Api-Key': 'rotated' } })).toEqual({ kind: 'named', record: work });
    expect(matchServer([work, home], { url, name: 'Home', headers: { 'X-Api-Key': 'home-key' } })).toEqual({ kind: 'same', record: home });
    // The name of a server at another URL means nothing here.
    expect(matchServer([other], { url, name: 'Other', headers: { 'X-Api-Key': 'rotated' } })).toEqual({ kind: 'none' });
    // A new name with known values: the server that has them.
    expect(matchServer([work], { url, name: 'Fresh', headers: { 'X-Api-Key': 'work-key' } })).toEqual({ kind: 'same', record: work });
  });

  it('compares values exactly', () => {
    expect(sameHeaders({ A: 'v' }, { a: 'v' })).toBe(true);
    expect(sameHeaders({ A: 'v' }, { A: 'V' })).toBe(false);
    expect(sameHeaders({ A: 'v', B: 'w' }, { B: 'w', A: 'v' })).toBe(true);
  });
});

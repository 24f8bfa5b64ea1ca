import { describe, expect, it } from 'vitest';
import { parseConnectArgs } from './connect';

describe('parseConnectArgs', () => {
  it('reads the URL, headers, a pre-registered client, scopes (repeatable) and a name', () => {
    expect(
      parseConnectArgs([
        'https://mcp.example.com/mcp',
        '--header',
        'X-Team: core',
        '--client-id',
        'abc',
        '--scope',
        'repo',
        '--scope',
        'read:org',
        '--name',
        'Example',
      ]),
    ).toEqual({ url: 'https://mcp.example.com/mcp', headers: { 'X-Team': 'core' }, clientId: 'abc', scopes: 'repo read:org', name: 'Example' });
  });

  it('says what is wrong with bad arguments', () => {
    expect(() => parseConnectArgs([])).toThrow('connect needs the server URL');
    expect(() => parseConnectArgs(['https://x.example/mcp', '--scope'])).toThrow('--scope needs a value');
    expect(() => parseConnectArgs(['https://x.example/mcp', '--header', 'nocolon'])).toThrow('must look like "Name: value"');
    expect(() => parseConnectArgs(['https://x.example/mcp', '--bogus'])).toThrow('unknown option --bogus');
  });
});

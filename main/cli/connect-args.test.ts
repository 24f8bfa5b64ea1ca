import { describe, expect, it } from 'vitest';
import { expandFromEnv, parseConnectArgs } from './connect';

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

  it('substitutes ${NAME} and ${env:NAME} in header values and the client secret from connect’s own environment', () => {
    const env = { API_KEY: 'k-123', TOKEN: 't-456', CLIENT_SECRET: 's-789' };
    expect(
      parseConnectArgs(
        ['https://x.example/mcp', '--header', 'X-Api-Key: ${API_KEY}', '--header', 'Authorization: Bearer ${env:TOKEN}', '--client-secret', '${CLIENT_SECRET}'],
        env,
      ),
    ).toEqual({ url: 'https://x.example/mcp', headers: { 'X-Api-Key': 'k-123', Authorization: 'Bearer t-456' }, clientSecret: 's-789' });
    // One pass: a value that itself looks like a reference is not expanded again.
    expect(expandFromEnv('${A}-${B}', { A: '${B}', B: 'b' }, 'x')).toBe('${B}-b');
    expect(expandFromEnv('plain $HOME ${1X} ${env:}', {}, 'x')).toBe('plain $HOME ${1X} ${env:}');
  });

  it('refuses a reference to a variable that is not set, naming it and not any value', () => {
    expect(() => parseConnectArgs(['https://x.example/mcp', '--header', 'X-Api-Key: ${API_KEY}'], {})).toThrow(
      /--header "X-Api-Key" uses \$\{API_KEY\}, but API_KEY is not set in connect's environment/,
    );
    expect(() => parseConnectArgs(['https://x.example/mcp', '--client-secret', '${env:CS}'], { OTHER: 'x' })).toThrow(/CS is not set/);
  });

  it('warns, by name only, when a credential is written in argv; not for references or plain values', () => {
    const warnings: string[] = [];
    const parse = (...a: string[]) => parseConnectArgs(['https://x.example/mcp', ...a], { K: 'from-env-value' }, (m) => warnings.push(m));
    parse('--header', 'Authorization: Bearer abcdef0123456789', '--client-secret', 'literal-secret-value');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^The value of the Authorization header is written in the command line, where other users of this computer can read it \(ps\)/);
    expect(warnings[0]).toContain('--header "Authorization: ${AUTHORIZATION}"');
    expect(warnings[1]).toMatch(/^The client secret is written in the command line/);
    expect(warnings.join('\n')).not.toMatch(/abcdef0123456789|literal-secret-value/);
    warnings.length = 0;
    parse(
      '--header',
      'Authorization: Bearer ${K}',
      '--header',
      'X-Api-Key: ${env:K}',
      '--client-secret',
      '${K}',
      '--header',
      'X-Team: core',
      '--header',
      'Accept-Language: en',
    );
    expect(warnings).toEqual([]);
    // A long token under any name is a credential too.
    parse('--header', 'X-Custom: ghp_0123456789abcdefghijABCDEFGHIJ');
    expect(warnings).toHaveLength(1);
  });

  it('does not echo a malformed header (it may be a credential)', () => {
    expect(() => parseConnectArgs(['https://x.example/mcp', '--header', 'Bearer sk-secret-value'])).toThrow('each --header must look like "Name: value"');
    expect(() => parseConnectArgs(['https://x.example/mcp', '--header', 'Bearer sk-secret-value'])).not.toThrow(/sk-secret-value/);
  });
});

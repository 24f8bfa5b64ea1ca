import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandFromEnv, parseConnectArgs } from './connect';

describe('parseConnectArgs: sign-in without a user and the network (issue 17)', () => {
  it('reads the sign-in mode, a private key file, the company IdP (secrets from the environment) and the network options', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-connect-'));
    try {
      const key = path.join(dir, 'key.pem');
      fs.writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----\n');
      const warned: string[] = [];
      const args = parseConnectArgs(
        [
          'https://mcp.example.com/mcp',
          '--sign-in',
          'client-credentials',
          '--client-id',
          'app',
          '--private-key-file',
          key,
          '--signing-alg',
          'ES256',
          '--proxy',
          'http://ann:${PROXY_PW}@p:3128',
          '--ca-file',
          '/etc/corp/root.pem',
        ],
        { PROXY_PW: 'pw' },
        (m) => warned.push(m),
      );
      expect(args).toMatchObject({
        signIn: 'client-credentials',
        clientId: 'app',
        signingAlgorithm: 'ES256',
        proxy: 'http://ann:pw@p:3128',
        caFile: '/etc/corp/root.pem',
      });
      expect(args.privateKey).toMatch(/BEGIN PRIVATE KEY/);
      expect(warned).toEqual([]);
      const idp = parseConnectArgs(
        [
          'https://mcp.example.com/mcp',
          '--sign-in',
          'enterprise',
          '--idp-issuer',
          'https://login.corp',
          '--idp-client-id',
          'sb',
          '--idp-id-token',
          '${IDP_TOKEN}',
        ],
        { IDP_TOKEN: 'eyJ.x.y' },
      );
      expect(idp).toMatchObject({ signIn: 'enterprise', idp: { issuer: 'https://login.corp', clientId: 'sb', idToken: 'eyJ.x.y' } });
      parseConnectArgs(['https://m.example/mcp', '--proxy', 'http://ann:literal-pw@p:1'], {}, (m) => warned.push(m));
      expect(warned.join('')).toMatch(/The proxy password is written in the command line/);
      expect(warned.join('')).not.toContain('literal-pw');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad mode, an unreadable key and half an IdP', () => {
    expect(() => parseConnectArgs(['https://m.example/mcp', '--sign-in', 'magic'])).toThrow(/--sign-in must be one of/);
    expect(() => parseConnectArgs(['https://m.example/mcp', '--private-key-file', '/nonexistent/key.pem'])).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => parseConnectArgs(['https://m.example/mcp', '--idp-issuer', 'https://login.corp'])).toThrow(/go together/);
  });
});

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

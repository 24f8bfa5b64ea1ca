// scrubEnv, and the launcher starting a REAL child process with the scrubbed environment.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeChildLauncher, scrubEnv } from './node-child-launcher';

describe('scrubEnv', () => {
  it('drops credential-like variables in any case and keeps the rest', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/ann',
      LANG: 'C.UTF-8',
      GITHUB_TOKEN: 'ghp_x',
      NPM_TOKEN: 'n',
      AWS_SECRET_ACCESS_KEY: 's',
      OPENAI_API_KEY: 'k',
      STRIPE_APIKEY: 'k2',
      my_api_key: 'k3',
      DB_PASSWORD: 'p',
      FTP_PASSWD: 'p2',
      GOOGLE_APPLICATION_CREDENTIALS: '/c.json',
      NOTION_AUTH: 'a',
      client_secret: 'cs',
      ELECTRON_RUN_AS_NODE: '1',
      XDG_CONFIG_HOME: '/home/ann/.config',
    };
    expect(scrubEnv(env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ann',
      LANG: 'C.UTF-8',
      ELECTRON_RUN_AS_NODE: '1',
      XDG_CONFIG_HOME: '/home/ann/.config',
    });
  });

  it('drops the proxy variables (they may carry a password; main hands each child its route)', () => {
    expect(
      scrubEnv({ HTTPS_PROXY: 'http://ann:pw@p:3128', http_proxy: 'http://p:3128', NO_PROXY: 'corp', all_proxy: 'socks5://s', PROXY_HOST: 'kept' }),
    ).toEqual({ PROXY_HOST: 'kept' });
  });

  it('drops NODE_OPTIONS and NODE_INSPECT (no inherited --require or inspector) and undefined values', () => {
    expect(scrubEnv({ NODE_OPTIONS: '--require x.js', NODE_INSPECT: '1', NODE_ENV: 'production', EMPTY: undefined })).toEqual({
      NODE_ENV: 'production',
    });
  });

  it('does not modify its input', () => {
    const env = { A: '1', SOME_TOKEN: 't' };
    scrubEnv(env);
    expect(env).toEqual({ A: '1', SOME_TOKEN: 't' });
  });
});

describe('NodeChildLauncher', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-launcher-'));
    fs.writeFileSync(
      path.join(dir, 'env-echo.js'),
      `process.send({ keys: Object.keys(process.env).sort(), extra: process.env.SB_EXTRA, argv: process.argv.slice(2), execArgv: process.execArgv }, () => process.exit(0));\n`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('forks the script with an IPC channel, a scrubbed environment and spec.env on top', async () => {
    const launcher = new NodeChildLauncher(process.execPath, {
      PATH: process.env.PATH,
      HARMLESS: 'yes',
      GITHUB_TOKEN: 'ghp_secret',
      MY_API_KEY: 'k',
      NODE_OPTIONS: '--inspect',
    });
    const child = launcher.launch({ script: path.join(dir, 'env-echo.js'), name: 'test', env: { SB_EXTRA: 'from-spec' } });
    const msg = (await new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`exited ${code} before answering`)));
    })) as { keys: string[]; extra: string; argv: string[]; execArgv: string[] };
    const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
    expect(code).toBe(0);
    expect(msg.keys).toContain('HARMLESS');
    expect(msg.keys).toContain('PATH');
    expect(msg.keys).toContain('SB_EXTRA');
    expect(msg.keys).not.toContain('GITHUB_TOKEN');
    expect(msg.keys).not.toContain('MY_API_KEY');
    expect(msg.keys).not.toContain('NODE_OPTIONS');
    expect(msg.extra).toBe('from-spec');
    expect(msg.argv).toEqual([]);
    expect(msg.execArgv).toEqual([]);
  });
});

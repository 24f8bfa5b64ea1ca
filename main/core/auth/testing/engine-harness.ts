/**
 * The sign-in engine's test bench (test-only): a real authorization server (oidc-provider) in
 * front of a real MCP server (the SDK with bearer auth), a headless user agent in the browser seam
 * and a real file vault in a temp dir per test. Nothing is mocked except the human (see
 * test-browser.ts). `useEngineBench` registers the hooks in the calling test file.
 *
 * It also keeps everything the engines said (log lines, state details, notifications) and every
 * secret that existed, so each test file can end by checking that no secret was ever said.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { AuthService, type AuthServiceOptions } from '../auth-service';
import { FileSecretVault } from '../file-vault';
import type { AuthServerConfig, AuthStateChange } from '../types';
import { startOidcFixture, type OidcFixture } from './oidc-fixture';
import { TestBrowser } from './test-browser';

export interface Harness {
  engine: AuthService;
  browser: TestBrowser;
  vault: FileSecretVault;
  server: AuthServerConfig;
  logs: Array<{ level: string; message: string }>;
  changes: AuthStateChange[];
  notes: Array<{ title: string; body: string }>;
  vaultFile: string;
}

export interface EngineBench {
  readonly fx: OidcFixture;
  /** This test's temp dir. */
  readonly dir: string;
  /** Every secret that existed during the file's tests (add the ones a test makes up). */
  readonly secrets: Set<string>;
  harness(over?: Partial<AuthServiceOptions>, server?: Partial<AuthServerConfig>): Harness;
  signInOk(h: Harness): Promise<void>;
  /** Adds every token and client secret in a vault file to `secrets`. */
  collectSecrets(file: string): void;
  oauthKeys(file: string): string[];
  /** The stored tokens of the (only) session in a vault file. */
  storedTokens(file: string): { access_token: string; refresh_token: string; expires_at?: number; obtained_at: number };
  /** An MCP client whose transport takes tokens from the engine, as the proxy does. */
  connectClient(h: Harness): Promise<Client>;
  grantsOf(type: string): number;
  tokenPosts(): number;
  /** The file's last test: no token, code, verifier or client secret reached a log line, state detail or notification. */
  expectNothingSecretSaid(): void;
}

export function useEngineBench(fixture: { accessTokenTtl?: number } = {}): EngineBench {
  let fx: OidcFixture;
  let dir: string;
  let seq = 0;
  const said: string[] = [];
  const secrets = new Set<string>();
  const engines: AuthService[] = [];

  beforeAll(async () => {
    fx = await startOidcFixture(fixture);
  });
  afterAll(async () => {
    await fx?.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-auth-'));
    fx.decision = 'approve';
    fx.account = 'alice';
    fx.requiredScopes = ['mcp:tools'];
    fx.htmlAtOAuthMetadata = false;
    fx.authorizationServers = [fx.issuer];
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.dispose()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const bench: EngineBench = {
    get fx() {
      return fx;
    },
    get dir() {
      return dir;
    },
    secrets,

    harness(over = {}, server = {}) {
      const vaultFile = path.join(dir, `vault-${++seq}.json`);
      const vault = new FileSecretVault(vaultFile);
      const browser = new TestBrowser();
      const logs: Harness['logs'] = [];
      const notes: Harness['notes'] = [];
      const changes: AuthStateChange[] = [];
      const engine = new AuthService({
        vault,
        opener: browser,
        log: (_id, level, message) => {
          logs.push({ level, message });
          said.push(message);
        },
        notifier: { notify: (title, body) => (notes.push({ title, body }), said.push(title, body)) },
        refreshSkewMs: 500,
        callbackTimeoutMs: 10_000,
        ...over,
      });
      engine.onDidChangeState((c) => {
        changes.push(c);
        if (c.detail) said.push(c.detail);
      });
      engines.push(engine);
      return { engine, browser, vault, server: { id: `srv-${seq}`, name: 'Fixture', url: fx.mcpUrl, ...server }, logs, changes, notes, vaultFile };
    },

    async signInOk(h) {
      await h.engine.signIn(h.server);
      bench.collectSecrets(h.vaultFile);
    },

    collectSecrets(file) {
      if (!fs.existsSync(file)) return;
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      for (const v of Object.values(data)) {
        try {
          const o = JSON.parse(v) as Record<string, unknown> & { info?: Record<string, unknown> };
          for (const k of ['access_token', 'refresh_token', 'id_token', 'client_secret']) if (typeof o[k] === 'string') secrets.add(o[k] as string);
          for (const k of ['client_secret', 'registration_access_token']) if (typeof o.info?.[k] === 'string') secrets.add(o.info[k] as string);
        } catch {
          // not JSON
        }
      }
    },

    oauthKeys(file) {
      if (!fs.existsSync(file)) return [];
      return Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')) as object);
    },

    storedTokens(file) {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
      return JSON.parse(data[Object.keys(data).find((k) => k.startsWith('oauth/tokens/'))!]) as ReturnType<EngineBench['storedTokens']>;
    },

    async connectClient(h) {
      const client = new Client({ name: 'test', version: '1' });
      const transport = new StreamableHTTPClientTransport(new URL(fx.mcpUrl), {
        authProvider: {
          token: async () => h.engine.accessToken(h.server),
          onUnauthorized: async (ctx) => {
            const t = await h.engine.onUnauthorized(h.server, {
              status: ctx.response.status,
              wwwAuthenticate: ctx.response.headers.get('www-authenticate') ?? undefined,
            });
            if (!t) throw new UnauthorizedError('needs sign-in');
          },
        },
      });
      await client.connect(transport);
      return client;
    },

    grantsOf(type) {
      return fx.grants.filter((g) => g.grantType === type).length;
    },

    tokenPosts() {
      return fx.requests.filter((r) => r.method === 'POST' && r.path === '/token').length;
    },

    expectNothingSecretSaid() {
      for (const v of fx.registrations) {
        const s = v.metadata().client_secret;
        if (typeof s === 'string') secrets.add(s);
      }
      expect(secrets.size).toBeGreaterThan(10);
      expect(said.length).toBeGreaterThan(20);
      const text = said.join('\n');
      for (const s of secrets) expect(text.includes(s), `a secret reached the log: ${s.slice(0, 4)}…`).toBe(false);
    },
  };
  return bench;
}

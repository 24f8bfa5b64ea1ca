/**
 * TEST-ONLY backend of the browser story (e2e/story.spec.ts): the real app core on temp dirs, built
 * by the same factory and ports as the headless host (main/core/host.ts, main/headless/headless-host.ts), behind the product's
 * browser shell (main/headless/web-shell.ts) as the headless host serves it.
 *
 * - AppCore with the real ProxySupervisor (proxies are child processes of out/proxy/index.js), the
 *   real AuthService with the 0600 file vault, and the real ClientService whose entries run
 *   out/connector/index.js with this Node.
 * - A temp HOME / XDG_CONFIG_HOME / APPDATA, so Claude Desktop's and Cursor's config files live
 *   in temp dirs; their folders are pre-created so both are detected as present.
 * - A protected MCP server behind a real oidc-provider (main/core/auth/testing/oidc-fixture).
 * - The browser the engine opens is replaceable (`setOpener`): the story opens a real headless
 *   Chromium tab (chromium-opener.ts); by default it is TestBrowser
 *   (main/core/auth/testing/test-browser), a headless user agent that walks the redirects.
 *   The test authorization server approves without a form: there is no human to click "Allow".
 *
 * It also collects every secret the story produces (from the authorization server's own events,
 * the opener's visits, the vault and the data dir) for the secrets test.
 *
 * Loaded through support/bundle.ts (esbuild), because some core dependencies ship ESM that only a
 * bundler can load (jsonc-parser), exactly as the app itself is bundled.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppCore } from '../../main/core/app-core';
import type { HandlerTable } from '../../main/core/api/handlers';
import { createHost } from '../../main/core/host';
import { headlessPorts } from '../../main/headless/headless-host';
import { startOidcFixture, type OidcFixture } from '../../main/core/auth/testing/oidc-fixture';
import { TestBrowser } from '../../main/core/auth/testing/test-browser';
import type { BrowserOpener } from '../../main/core/auth/types';
import { resolvePaths } from '../../main/shared/paths';
import { startWebShell, type Refusal, type SentPayload, type WebShell } from '../../main/headless/web-shell';
import { coreEvents } from '../../main/headless/web-window';
import { parseAppLink } from '../../main/core/links';
import { proposalFromInstallLink } from '../../main/core/registry/install-link';
import type { RegistryService } from '../../main/core/registry/registry-service';

/** A browser shell over the story's core, with what it sent and refused (for the assertions). */
export interface StoryShell extends WebShell {
  /** Every body sent to the page, in order. */
  readonly sent: SentPayload[];
  /** Every refused request (what was wrong; never the values). */
  readonly refused: Refusal[];
}

export interface KnownSecret {
  /** Where it was first seen ("as:access_token", "vault:refresh_token", …). */
  kind: string;
  value: string;
  /** Every place it was seen (the same token is issued by the AS and then held in the vault). */
  seenAs: string[];
}

export interface StoryBackendOptions {
  repoRoot: string;
  /** The official registry's address (a local registry, test/fixtures/registry-server.ts) and time limit. */
  registry?: { officialUrl?: string; timeoutMs?: number };
}

export interface StoryBackend {
  root: string;
  home: string;
  /** The environment of this "machine": what the core and the MCP clients see. */
  env: Record<string, string>;
  dataDir: string;
  logsDir: string;
  claudeConfig: string;
  cursorConfig: string;
  /** Claude Desktop's config as the user had it before Switchboard touched it (one entry of their own). */
  claudeOriginal: string;
  as: OidcFixture;
  core: AppCore;
  handlers: HandlerTable;
  call(name: string, arg?: unknown): Promise<{ ok: boolean; value?: any; error?: string }>;
  /** The story's shell (its one-time link is for the story's page). */
  shell: StoryShell;
  /** Another shell over the same core, with a link of its own (closed with the backend). */
  newShell(): Promise<StoryShell>;
  /** The headless opener the engine uses unless the test sets another (`setOpener`). */
  browser: TestBrowser;
  /** Replaces the browser the engine opens (the story uses a real Chromium tab). */
  setOpener(opener: BrowserOpener): void;
  /** Records a secret seen by the test itself (e.g. a code its own browser saw). */
  addSecret(kind: string, value: string | undefined): void;
  /** A header value the story sends upstream (a secret like an API key). */
  header: { name: string; value: string };
  /** Every secret seen so far (deduplicated); call `collect()` first for the vault's current ones. */
  secrets(): KnownSecret[];
  /** Reads the vault and the connector secret file into the known secrets. */
  collect(): void;
  /** The registries of Settings ▸ Registries (the host's RegistryService). */
  registries: RegistryService;
  /** What the desktop app does with an install link (mcp-switchboard://install?…): a proposal for the window. */
  proposeInstall(link: string): Promise<void>;
  /** Appends a log line through the core (for the grep's positive control). */
  plant(serverId: string, marker: string): void;
  close(): Promise<void>;
}

/** Walks a parsed vault value and yields secret-looking fields. */
function* secretFields(value: unknown, key = ''): Generator<{ kind: string; value: string }> {
  if (typeof value === 'string') {
    // access_token, refresh_token, id_token, client_secret, code_verifier, registration_access_token…
    // but not token_endpoint, token_type or other metadata.
    const secretKey = /(^|_)(access|refresh|id|registration_access)_?token$|secret$|verifier$/i.test(key);
    if (secretKey && value.length >= 8 && !/^https?:/.test(value)) yield { kind: `vault:${key}`, value };
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) yield* secretFields(v, key);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* secretFields(v, k);
  }
}

export async function startStoryBackend(opts: StoryBackendOptions): Promise<StoryBackend> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-story-'));
  const home = path.join(root, 'home');
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    APPDATA: path.join(home, 'AppData', 'Roaming'),
    LOCALAPPDATA: path.join(home, 'AppData', 'Local'),
    PATH: process.env.PATH ?? '',
  };
  const paths = resolvePaths(env);
  // Claude Desktop and Cursor are "installed": their folders exist, their config files do not yet.
  const claudeConfig = path.join(env.XDG_CONFIG_HOME, 'Claude', 'claude_desktop_config.json');
  const cursorConfig = path.join(home, '.cursor', 'mcp.json');
  fs.mkdirSync(path.dirname(claudeConfig), { recursive: true });
  fs.mkdirSync(path.dirname(cursorConfig), { recursive: true });
  // Claude Desktop already has an entry of the user's: the first install keeps a backup of this file.
  const claudeOriginal = '{\n  "mcpServers": {\n    "notes": { "command": "my-notes-server" }\n  }\n}\n';
  fs.writeFileSync(claudeConfig, claudeOriginal);

  const known = new Map<string, KnownSecret>();
  const add = (kind: string, value: unknown) => {
    if (typeof value !== 'string' || value.length < 8) return;
    const k = known.get(value);
    if (!k) known.set(value, { kind, value, seenAs: [kind] });
    else if (!k.seenAs.includes(kind)) k.seenAs.push(kind);
  };

  const as = await startOidcFixture();
  // Every token the authorization server issues (opaque tokens: the value is the jti).
  for (const kind of ['access_token', 'refresh_token', 'authorization_code', 'registration_access_token', 'client_credentials']) {
    as.provider.on(`${kind}.saved`, (token: { jti?: string }) => add(`as:${kind}`, token.jti));
    as.provider.on(`${kind}.issued`, (token: { jti?: string }) => add(`as:${kind}`, token.jti));
  }
  as.provider.on('grant.success', (ctx: { oidc?: { params?: Record<string, unknown> } }) => {
    add('pkce:code_verifier', ctx.oidc?.params?.code_verifier);
    add('client_secret', ctx.oidc?.params?.client_secret);
  });
  as.provider.on('registration_create.success', (_ctx: unknown, client: { clientSecret?: string }) => add('dcr:client_secret', client.clientSecret));

  const browser = new TestBrowser();
  let opener: BrowserOpener = browser;
  // As in the headless host (the same factory and ports): a plain 0600 token file behind the
  // weak-storage choice (default: ask → file), plain-Node children of the bundled proxy.
  const vaultFile = path.join(paths.dataDir, 'secrets.json');
  const host = createHost({
    ...headlessPorts({ env, paths, autoSignIn: false }),
    opener: { open: (url) => opener.open(url) },
    proxyScript: path.join(opts.repoRoot, 'out', 'proxy', 'index.js'),
    supervisor: { backoffBaseMs: 200, backoffMaxMs: 2000, stopTimeoutMs: 3000 },
    clientLauncher: {
      command: process.execPath,
      connectorScript: path.join(opts.repoRoot, 'out', 'connector', 'index.js'),
      electronRunAsNode: false,
    },
    registry: opts.registry,
  });
  await host.start();
  // The story is about adding, signing in, installing and using; the review of a new server's first
  // tools listing (Settings "review", the default) is test/tool-review.test.ts.
  await host.call('settings:set', { newServerTools: 'trust' });
  const theCore = host.core;
  const handlers = host.handlers;
  const call = (name: string, arg?: unknown) => host.call(name, arg) as Promise<{ ok: boolean; value?: any; error?: string }>;
  const shells: StoryShell[] = [];
  const newShell = async (): Promise<StoryShell> => {
    const sent: SentPayload[] = [];
    const refused: Refusal[] = [];
    const shell = await startWebShell({
      rendererRoot: path.join(opts.repoRoot, 'out', 'renderer'),
      dispatch: host.call,
      events: coreEvents(theCore),
      onSent: (p) => sent.push(p),
      onRefused: (r) => refused.push(r),
    });
    add('shell:token', new URL(shell.url).searchParams.get('token'));
    const story: StoryShell = { origin: shell.origin, url: shell.url, close: () => shell.close(), sent, refused };
    shells.push(story);
    return story;
  };
  const shell = await newShell();

  const header = { name: 'X-Api-Key', value: `hdr-${randomBytes(18).toString('base64url')}` };
  add('header:value', header.value);

  const collect = () => {
    for (const visit of browser.visits) add('opener:authorization_code', visit.code);
    try {
      add('connector:secret', fs.readFileSync(paths.secretFile, 'utf8').trim());
    } catch {
      // not created yet
    }
    let data: Record<string, string>;
    try {
      data = JSON.parse(fs.readFileSync(vaultFile, 'utf8'));
    } catch {
      return;
    }
    for (const raw of Object.values(data)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        add('vault:value', raw);
        continue;
      }
      for (const s of secretFields(parsed)) add(s.kind, s.value);
    }
  };

  return {
    root,
    home,
    env,
    dataDir: paths.dataDir,
    logsDir: paths.logsDir,
    claudeConfig,
    cursorConfig,
    claudeOriginal,
    as,
    core: theCore,
    handlers,
    call,
    shell,
    newShell,
    browser,
    header,
    setOpener: (o) => {
      opener = o;
    },
    addSecret: add,
    secrets: () => [...known.values()],
    collect,
    registries: host.registries,
    proposeInstall: async (raw) => {
      const link = parseAppLink(raw);
      if (link.kind !== 'install') throw new Error(`not an install link: ${JSON.stringify(link)}`);
      theCore.proposeAdd(await proposalFromInstallLink(link, host.registries));
    },
    plant: (serverId, marker) => theCore.logs.append({ ts: Date.now(), level: 'info', server: serverId, message: marker }),
    close: async () => {
      for (const s of shells) await s.close();
      await host.dispose();
      await as.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

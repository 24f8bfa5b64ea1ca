/**
 * `mcp-switchboard connect <url>`: a drop-in for `npx mcp-remote <url>` in any client config.
 * It is a stdio MCP server that adds the server if it is new, makes sure its proxy runs (through
 * the running app, or a headless host in this process when none runs), signs in through the
 * browser when needed, and then relays stdio to the proxy like the connector does.
 *
 * stdout carries only protocol messages: everything else goes to stderr.
 */
import * as fs from 'node:fs';
import type { AddServerInput, AppSettings, EnterpriseStatus, FindOrAddResult, Result, ServerState, ServerSummary, SignInMode } from '../../common/contract';
import { resolvePaths } from '../shared/paths';
import { validateServerUrl } from '../core/servers/server-model';
import { runRelay } from '../connector/relay';
import { LineSplitter } from '../shared/wire';
import { reachOrStartHost, type Call } from './host-access';
import { reviewHint } from './tools-command';

export interface ConnectArgs {
  url: string;
  headers: Record<string, string>;
  clientId?: string;
  clientSecret?: string;
  /** Extra OAuth scopes to ask for at sign-in, space-separated. */
  scopes?: string;
  name?: string;
  /** How tokens are got (default: the browser). */
  signIn?: SignInMode;
  /** client-credentials with private_key_jwt: the PEM key (read from --private-key-file). */
  privateKey?: string;
  signingAlgorithm?: string;
  /** `direct`, `system` or a proxy URL for this server. */
  proxy?: string;
  caFile?: string;
  /** The company's identity provider (enterprise-managed authorization), set app-wide before the server. */
  idp?: { issuer: string; clientId: string; clientSecret?: string; idToken?: string };
}

export const say = (message: string) => process.stderr.write(`[mcp-switchboard connect] ${message}\n`);

async function unwrap<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/**
 * Finds the server for this URL or adds it. The host compares the header values (and a client
 * secret) with the ones it keeps, which never come back here: the same values are the same server;
 * other values are another account (a new server), unless --name names a server of this URL,
 * which then takes them (a rotated key).
 */
async function ensureServer(call: Call, args: ConnectArgs): Promise<ServerSummary> {
  const url = validateServerUrl(args.url);
  if (!url.ok) throw new Error(url.error);
  const input: AddServerInput = { url: url.value, headers: args.headers };
  if (args.name) input.name = args.name;
  if (args.clientId) input.clientId = args.clientId;
  if (args.clientSecret) input.clientSecret = args.clientSecret;
  if (args.scopes) input.scopes = args.scopes;
  if (args.signIn) input.signIn = args.signIn;
  if (args.privateKey) input.privateKey = args.privateKey;
  if (args.signingAlgorithm) input.signingAlgorithm = args.signingAlgorithm;
  if (args.proxy) input.proxy = args.proxy;
  if (args.caFile) input.caFile = args.caFile;
  if (args.idp) {
    const idp = await unwrap(call<EnterpriseStatus>('enterprise:configure', args.idp));
    say(`company identity provider ${idp.issuer}: ${idp.signedIn ? `signed in${idp.account ? ` as ${idp.account}` : ''}` : 'not signed in'}`);
  }
  const { serverId, outcome } = await unwrap(call<FindOrAddResult>('servers:find-or-add', input));
  if (outcome === 'added') say(`added ${url.value} as "${serverId}"`);
  if (outcome === 'added' && (await unwrap(call<AppSettings>('settings:get'))).newServerTools === 'review') say(reviewHint(args.name ?? serverId, serverId));
  if (outcome === 'updated') say(`updated "${serverId}" with the header values (or client secret) given here`);
  const server = (await unwrap(call<ServerSummary[]>('servers:list'))).find((s) => s.id === serverId);
  if (!server) throw new Error(`server "${serverId}" disappeared`);
  return server;
}

/** What `connect` says of a server that is not ready yet, in words (its state names are the app's). */
const NOT_READY: Partial<Record<ServerState, string>> = {
  stopped: 'is turned off in MCP Switchboard',
  starting: 'is still starting',
  connecting: 'is still being checked',
  retrying: 'cannot be reached yet; MCP Switchboard keeps trying',
  error: 'stopped after repeated failures; restart it in MCP Switchboard',
};

/** Waits until the proxy has an answer about the upstream (ready, needs sign-in, …). */
async function settle(call: Call, serverId: string, timeoutMs = 30_000): Promise<ServerSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await unwrap(call<ServerSummary[]>('servers:list'));
    const s = list.find((x) => x.id === serverId);
    if (!s) throw new Error(`server "${serverId}" disappeared`);
    if (!['stopped', 'starting', 'connecting'].includes(s.status.state) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs `connect`. Failures before the relay starts (bad URL, no host) do not just exit: the client
 * gets a JSON-RPC error for its requests that says what went wrong, then the process exits 1.
 */
export async function runConnect(args: ConnectArgs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await connectAndRelay(args, env);
  } catch (err) {
    const message = `MCP Switchboard could not connect to ${args.url}: ${(err as Error).message}`;
    say(message);
    await answerWithError(message);
  }
}

/** Answers every request on stdin with `message` until stdin closes. */
function answerWithError(message: string): Promise<void> {
  return new Promise((resolve) => {
    const splitter = new LineSplitter(
      (line) => {
        try {
          const m = JSON.parse(line);
          for (const r of Array.isArray(m) ? m : [m]) {
            if (r && typeof r.method === 'string' && r.id !== undefined && r.id !== null) {
              process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: r.id, error: { code: -32030, message } }) + '\n');
            }
          }
        } catch {
          // not JSON: nothing to answer
        }
      },
      () => {},
    );
    process.stdin.on('data', (c: Buffer) => splitter.push(c));
    process.stdin.on('end', () => {
      process.exitCode = 1;
      resolve();
    });
  });
}

async function connectAndRelay(args: ConnectArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const access = await reachOrStartHost(env, resolvePaths(env), say);
  try {
    await signInAndRelay(access.call, args, env);
  } finally {
    await access.close();
  }
}

async function signInAndRelay(call: Call, args: ConnectArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const server = await ensureServer(call, args);
  const settled = await settle(call, server.id);
  if (settled.status.state === 'needs-sign-in') {
    say(`signing in to ${settled.name} in your browser…`);
    const r = await call<void>('auth:sign-in', { serverId: server.id });
    if (!r.ok) say(`sign-in did not complete: ${r.error}`);
    else await settle(call, server.id);
  } else if (NOT_READY[settled.status.state]) {
    // Ready, or idle (it answered the host's last check; its proxy starts with this connection): nothing to say.
    say(`${settled.name} ${NOT_READY[settled.status.state]}${settled.status.detail ? `: ${settled.status.detail}` : ''}`);
  }
  await new Promise<void>((resolve) => {
    runRelay({
      serverId: server.id,
      env,
      launchApp: false,
      exit: (code) => {
        process.exitCode = code;
        resolve();
      },
    });
  });
}

/** `${NAME}` or `${env:NAME}`: a reference to a variable of connect's own environment. */
const ENV_REFERENCE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Header names whose values are credentials. */
const SECRET_HEADER = /auth|token|key|secret|passw|cookie|session|credential|signature/i;

/**
 * Substitutes `${NAME}` (as mcp-remote does) and `${env:NAME}` in `value` from connect's own
 * environment, which the client config sets in its "env" block, so the secret never sits in the
 * process's argv where any user can read it (ps). A variable that is not set is an error naming
 * it: sending a header empty would only fail later and less clearly.
 */
export function expandFromEnv(value: string, env: NodeJS.ProcessEnv, what: string): string {
  return value.replace(ENV_REFERENCE, (_, name: string) => {
    const v = env[name];
    if (v === undefined)
      throw new Error(`${what} uses \${${name}}, but ${name} is not set in connect's environment (set it in the client config's "env" block)`);
    return v;
  });
}

/** Whether `value` as typed in argv carries a credential itself (not only references and a scheme word). */
function literalCredential(value: string, headerName?: string): boolean {
  const rest = value
    .replace(ENV_REFERENCE, '')
    .replace(/^\s*(Bearer|Basic|Token|Bot|ApiKey|Key)\b/i, '')
    .trim();
  if (!rest) return false;
  return headerName === undefined || SECRET_HEADER.test(headerName) || /[A-Za-z0-9._~+/=-]{20,}/.test(rest);
}

/**
 * Parses `connect` arguments: <url> [--header "K: V"]... [--client-id X] [--client-secret Y]
 * [--scope "a b"] [--name N]. Header values and the client secret may use `${NAME}` /
 * `${env:NAME}` (expandFromEnv); `warn` hears, by name only, of a credential written in argv.
 */
export function parseConnectArgs(argv: string[], env: NodeJS.ProcessEnv = {}, warn: (message: string) => void = () => {}): ConnectArgs {
  const args = [...argv];
  const out: ConnectArgs = { url: '', headers: {} };
  const inArgv = (what: string, example: string) =>
    warn(
      `${what} is written in the command line, where other users of this computer can read it (ps) for as long as this runs; ` +
        `put it in the client config's "env" block and write ${example} instead (see README)`,
    );
  while (args.length) {
    const a = args.shift()!;
    const value = () => {
      const v = args.shift();
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--header') {
      const h = value();
      const i = h.indexOf(':');
      // Not echoed: it may be a credential.
      if (i < 1) throw new Error('each --header must look like "Name: value"');
      const name = h.slice(0, i).trim();
      const raw = h.slice(i + 1).trim();
      if (literalCredential(raw, name)) inArgv(`The value of the ${name} header`, `--header "${name}: \${${envName(name)}}"`);
      out.headers[name] = expandFromEnv(raw, env, `--header "${name}"`);
    } else if (a === '--client-id') out.clientId = expandFromEnv(value(), env, '--client-id');
    else if (a === '--client-secret') {
      const raw = value();
      if (literalCredential(raw)) inArgv('The client secret', '--client-secret "${CLIENT_SECRET}"');
      out.clientSecret = expandFromEnv(raw, env, '--client-secret');
    } else if (a === '--name') out.name = value();
    else if (a === '--scope') out.scopes = [out.scopes, value()].filter(Boolean).join(' ');
    else if (a === '--sign-in') {
      const mode = value();
      if (!SIGN_IN_MODES.includes(mode as SignInMode)) throw new Error(`--sign-in must be one of ${SIGN_IN_MODES.join(', ')}`);
      out.signIn = mode as SignInMode;
    } else if (a === '--private-key-file') out.privateKey = readKeyFile(expandFromEnv(value(), env, '--private-key-file'));
    else if (a === '--signing-alg') out.signingAlgorithm = value();
    else if (a === '--proxy') {
      const raw = value();
      if (/:\/\/[^/@:]*:[^/@]+@/.test(raw.replace(ENV_REFERENCE, ''))) inArgv('The proxy password', '--proxy "http://user:${PROXY_PASSWORD}@host:port"');
      out.proxy = expandFromEnv(raw, env, '--proxy');
    } else if (a === '--ca-file') out.caFile = expandFromEnv(value(), env, '--ca-file');
    else if (a === '--idp-issuer') (out.idp ??= { issuer: '', clientId: '' }).issuer = expandFromEnv(value(), env, '--idp-issuer');
    else if (a === '--idp-client-id') (out.idp ??= { issuer: '', clientId: '' }).clientId = expandFromEnv(value(), env, '--idp-client-id');
    else if (a === '--idp-client-secret') {
      const raw = value();
      if (literalCredential(raw)) inArgv('The identity provider client secret', '--idp-client-secret "${IDP_CLIENT_SECRET}"');
      (out.idp ??= { issuer: '', clientId: '' }).clientSecret = expandFromEnv(raw, env, '--idp-client-secret');
    } else if (a === '--idp-id-token') {
      const raw = value();
      if (literalCredential(raw)) inArgv('The ID token', '--idp-id-token "${IDP_ID_TOKEN}"');
      (out.idp ??= { issuer: '', clientId: '' }).idToken = expandFromEnv(raw, env, '--idp-id-token');
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!out.url) out.url = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  if (!out.url) throw new Error('connect needs the server URL');
  if (out.idp && (!out.idp.issuer || !out.idp.clientId)) throw new Error('--idp-issuer and --idp-client-id go together');
  return out;
}

const SIGN_IN_MODES: readonly SignInMode[] = ['browser', 'client-credentials', 'enterprise'];

/** A PEM private key file (private_key_jwt); read here, so the key travels to the host, never in argv. */
export function readKeyFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--private-key-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text)) throw new Error(`--private-key-file ${file} holds no PEM private key`);
  return text;
}

/** A variable name to suggest for a header ("X-Api-Key" → X_API_KEY). */
function envName(header: string): string {
  return (
    header
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'HEADER_VALUE'
  );
}

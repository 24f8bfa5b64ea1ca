/**
 * The relay at the heart of the stdio connector that MCP clients start:
 *   <app executable> <connector script> <server id>        (ELECTRON_RUN_AS_NODE=1)
 *   node out/connector/index.js <server id>                 (from a checkout, tests)
 *
 * It relays newline-delimited JSON-RPC between stdin/stdout and the server's proxy endpoint, and
 * prints nothing but protocol messages on stdout. If the endpoint is missing it starts the app in
 * the background and waits; if that fails it answers the client's requests with a JSON-RPC error
 * saying what to do. Node built-ins only: it must start fast.
 */
import * as fs from 'node:fs';
import type * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { endpointFor, resolvePaths } from '../shared/paths';
import { readSessionEnv } from '../shared/session-env';
import { appLaunchPlan } from './app-launch';
import { ControlClient } from '../shared/control-client';
import { connectToEndpoint, INSTALL_ENV, INSTALL_TAG } from '../shared/handshake';
import { ensureDataDir } from '../shared/local-socket';
import { leadingRequestId, LineSplitter, MAX_MESSAGE_BYTES } from '../shared/wire';

const ERR_NOT_RUNNING = -32030;
const ERR_PROXY_LOST = -32031;
/** JSON-RPC's own "Invalid Request": the request is larger than the framing allows. */
const ERR_TOO_LARGE = -32600;
const REPLAY_ID = 'switchboard-connector-replay';
/** While no proxy listens, the host is asked to start it at most this often. */
const ASK_HOST_EVERY_MS = 1000;

type Id = string | number;

/** The proxy writes responses as {"jsonrpc":"2.0","id":…,"result"|"error"…}: read the id cheaply. */
const RESPONSE_HEAD = /^\{"jsonrpc":"2\.0","id":("(?:[^"\\]|\\.)*"|-?\d+),"(?:result|error)"/;

export function responseId(line: string): Id | undefined {
  const m = RESPONSE_HEAD.exec(line.length > 512 ? line.slice(0, 512) : line);
  if (m) return JSON.parse(m[1]) as Id;
  if (line.length > 65_536) return undefined;
  try {
    const msg = JSON.parse(line);
    return msg && msg.method === undefined && (typeof msg.id === 'string' || typeof msg.id === 'number') ? msg.id : undefined;
  } catch {
    return undefined;
  }
}

export interface RelayOptions {
  serverId: string;
  env: NodeJS.ProcessEnv;
  /** Start the app when nothing listens (the connector); false when the host is already up (connect). */
  launchApp: boolean;
  /** Called when the relay is over, with the exit code the process should use. */
  exit(code: number): void;
}

/** The first executable file named `program` in PATH's folders. */
function onPath(program: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar || '/usr/bin:/bin').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Relays this process's stdin/stdout to the server's proxy until stdin closes. */
export function runRelay(opts: RelayOptions): void {
  const { serverId, env } = opts;
  const paths = resolvePaths(env);
  const timeoutMs = Number(env.MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS) || 30_000;
  const exit = opts.exit;

  let logsDirReady = false;
  function log(message: string): void {
    const line = `${new Date().toISOString()} [connector ${serverId ?? '?'} pid ${process.pid}] ${message}\n`;
    process.stderr.write(line);
    try {
      if (!logsDirReady) {
        // The connector may be the first to write in the data directory (a fresh install).
        ensureDataDir(paths.dataDir);
        fs.mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
        logsDirReady = true;
      }
      fs.appendFileSync(path.join(paths.logsDir, 'connector.log'), line, { mode: 0o600 });
    } catch {
      // logging must never break the relay
    }
  }

  function writeOut(obj: unknown): void {
    process.stdout.write(JSON.stringify(obj) + '\n');
  }

  // ---- state ---------------------------------------------------------------------------------

  let socket: net.Socket | undefined;
  let connected = false;
  let failed: string | undefined;
  let stdinEnded = false;
  let launched = false;
  /** Lines from the client waiting for the proxy. */
  const queue: string[] = [];
  /** Requests sent to the proxy and not yet answered: answered with an error if the proxy dies. */
  const inFlight = new Map<Id, string>();
  /** The client's handshake, replayed after a reconnect so the new upstream session is initialized. */
  let initializeLine: string | undefined;
  let initializedLine: string | undefined;
  let swallowReplay = false;

  function fail(reason: string): void {
    failed = reason;
    log(reason);
    for (const line of queue.splice(0)) answerWithError(line, reason);
    if (stdinEnded) exit(1);
  }

  function answerWithError(line: string, reason: string): void {
    let msg: any;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (m && typeof m.method === 'string' && m.id !== undefined && m.id !== null) {
        writeOut({ jsonrpc: '2.0', id: m.id, error: { code: ERR_NOT_RUNNING, message: reason } });
      }
    }
  }

  function notRunningMessage(detail: string): string {
    return (
      `MCP Switchboard could not connect this client to "${serverId}": ${detail}. ` +
      `Open MCP Switchboard, check that "${serverId}" is listed and enabled, then restart this client. ` +
      `Details: ${path.join(paths.logsDir, 'connector.log')}`
    );
  }

  // ---- client side (stdin) -------------------------------------------------------------------

  function fromClient(line: string): void {
    let m: any;
    try {
      m = JSON.parse(line);
    } catch {
      m = undefined; // the proxy answers malformed input itself
    }
    if (m && !Array.isArray(m)) {
      if (m.method === 'initialize') initializeLine = line;
      else if (m.method === 'notifications/initialized') initializedLine = line;
      if (typeof m.method === 'string' && m.id !== undefined && m.id !== null) inFlight.set(m.id, m.method);
    }
    if (failed) return answerWithError(line, failed);
    if (!connected || !socket) {
      queue.push(line);
      return;
    }
    socket.write(line + '\n');
  }

  // ---- proxy side ----------------------------------------------------------------------------

  function fromProxy(line: string): void {
    if (swallowReplay && line.includes(REPLAY_ID)) {
      swallowReplay = false;
      return;
    }
    if (inFlight.size) {
      const id = responseId(line);
      if (id !== undefined) inFlight.delete(id);
    }
    process.stdout.write(line + '\n');
  }

  function readSecret(): string | undefined {
    try {
      return fs.readFileSync(paths.secretFile, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** One attempt: check the endpoint is ours, connect, run the handshake. */
  function attempt(): Promise<{ socket: net.Socket; rest: Buffer }> {
    const secret = readSecret();
    if (!secret) return Promise.reject(Object.assign(new Error('MCP Switchboard has not been set up yet'), { code: 'NOSECRET' }));
    return connectToEndpoint(endpointFor(paths, serverId), { secret, server: serverId, client: clientTag(), install });
  }

  /** The client install this entry was made for (its install tag), so the proxy applies that client's tool rules. */
  const tag = env[INSTALL_ENV];
  const install = tag && INSTALL_TAG.test(tag) ? tag : undefined;

  function clientTag(): string {
    return `pid ${process.ppid}`;
  }

  function launchApp(): void {
    if (launched || !opts.launchApp) return;
    launched = true;
    const plan = appLaunchPlan({
      platform: process.platform,
      env,
      execPath: process.execPath,
      connectorDir: __dirname,
      electron: !!process.versions.electron,
      sessionEnv: readSessionEnv(paths.dataDir),
      which: (program) => onPath(program, env.PATH),
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
      exists: (file) => fs.existsSync(file),
    });
    if ('error' in plan) return log(plan.error);
    log(`starting MCP Switchboard in the background: ${plan.how}`);
    try {
      // Detached, no stdio, and not hidden: a hidden start would hide the app's first window on Windows.
      const child = spawn(plan.command, plan.args, {
        detached: true,
        stdio: 'ignore',
        env: plan.env,
        windowsHide: false,
        windowsVerbatimArguments: plan.windowsVerbatimArguments,
      });
      child.on('error', (err) => log(`could not start MCP Switchboard: ${err.message}`));
      child.unref();
    } catch (err) {
      log(`could not start MCP Switchboard: ${(err as Error).message}`);
    }
  }

  /**
   * No proxy listens for this server. When a host answers on the control socket, ask it to start
   * the proxy (an idle server's proxy runs only while clients use it; or it was added by another
   * process, or stopped); the host answers once the proxy listens: 'started' to connect now,
   * a sentence when the host refuses (unknown or turned-off server). 'no-host' when none answers.
   */
  async function askHost(): Promise<'started' | 'no-host' | { refused: string }> {
    let client: ControlClient | undefined;
    try {
      client = await ControlClient.connect(paths, readSecret(), clientTag());
    } catch (err) {
      return { refused: (err as Error).message }; // not our control endpoint: never launch over it
    }
    if (!client) return 'no-host';
    try {
      const r = await client.call<{ state: string }>('servers:ensure-running', { serverId });
      if (!r.ok) return { refused: r.error };
      log(`MCP Switchboard is running; asked it to start "${serverId}" (now ${r.value.state})`);
      return 'started';
    } finally {
      client.close();
    }
  }

  async function connect(reason: 'start' | 'reconnect'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let rest: Buffer;
    let lastAsked = -Infinity;
    for (;;) {
      try {
        ({ socket, rest } = await attempt());
        break;
      } catch (err: any) {
        if (err.code === 'REFUSED') return fail(notRunningMessage(err.message));
        if (!['ENOENT', 'ECONNREFUSED', 'NOSECRET', 'EPIPE', 'ECONNRESET'].includes(err.code)) {
          return fail(notRunningMessage(err.message));
        }
        if (err.code === 'NOSECRET') {
          if (reason === 'start') launchApp();
        } else if (Date.now() - lastAsked >= ASK_HOST_EVERY_MS) {
          // Asked again while waiting: a host that starts meanwhile (the app launched above, or one
          // started after the old one died) keeps an idle server's proxy stopped until asked.
          lastAsked = Date.now();
          const answer = await askHost();
          if (typeof answer === 'object') return fail(`MCP Switchboard could not connect this client to "${serverId}": ${answer.refused}`);
          if (answer === 'no-host') {
            if (reason === 'start') launchApp();
          } else continue; // the host answers once the proxy listens: connect at once
        }
        if (Date.now() >= deadline) {
          const why = err.code === 'NOSECRET' ? 'the app never finished starting' : `no proxy is listening (${err.code})`;
          return fail(notRunningMessage(`${why} after ${Math.round(timeoutMs / 1000)} s`));
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    const s = socket!;
    const splitter = new LineSplitter(fromProxy, () => log('dropped an oversized message from the proxy'));
    s.on('data', (chunk: Buffer) => splitter.push(chunk));
    if (rest.length) splitter.push(rest);
    s.on('error', (err) => log(`proxy connection error: ${err.message}`));
    s.on('close', () => onProxyClosed(s));
    connected = true;
    if (reason === 'reconnect' && initializeLine) {
      // A fresh proxy connection means a fresh upstream session: replay the handshake silently.
      const init = JSON.parse(initializeLine);
      init.id = REPLAY_ID;
      swallowReplay = true;
      s.write(JSON.stringify(init) + '\n');
      if (initializedLine) s.write(initializedLine + '\n');
      log('reconnected to the proxy and replayed the handshake');
    }
    for (const line of queue.splice(0)) s.write(line + '\n');
    if (stdinEnded) s.end();
  }

  function onProxyClosed(s: net.Socket): void {
    if (s !== socket) return;
    connected = false;
    socket = undefined;
    if (stdinEnded) return exit(0);
    log('the proxy closed the connection; reconnecting');
    for (const [id, method] of inFlight) {
      writeOut({
        jsonrpc: '2.0',
        id,
        error: { code: ERR_PROXY_LOST, message: `MCP Switchboard's proxy for "${serverId}" restarted while ${method} was in flight; retry the request.` },
      });
    }
    inFlight.clear();
    void connect('reconnect');
  }

  // ---- start -------------------------------------------------------------------------------

  // A request past the size limit is never sent on, but its sender must not wait forever: when its
  // id is in the first bytes, it gets an error answer.
  const stdinSplitter = new LineSplitter(fromClient, (bytes, head) => {
    const id = leadingRequestId(head.toString('utf8'));
    log(`dropped a ${bytes}-byte line from the client (too large)${id === undefined ? '' : `; answered request ${JSON.stringify(id)} with an error`}`);
    if (id !== undefined) {
      writeOut({
        jsonrpc: '2.0',
        id,
        error: {
          code: ERR_TOO_LARGE,
          message: `MCP Switchboard: this request is larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB, the most one message may carry; it was not sent to the server.`,
        },
      });
    }
  });
  process.stdin.on('data', (chunk: Buffer) => stdinSplitter.push(chunk));
  process.stdin.on('end', () => {
    stdinEnded = true;
    if (failed) exit(1);
    if (socket && connected) socket.end();
    else if (!socket) setTimeout(() => exit(0), 50);
  });
  process.stdout.on('error', () => exit(0)); // the client went away
  void connect('start');
}

/**
 * The handshake that opens every local connection (connector → proxy, CLI and connector → the
 * host's control endpoint, the tools list → proxy). Both sides prove they hold the per-install
 * secret without sending it, and the server proves it first, so a program listening where ours
 * should learns nothing from a client, and a client without the secret gets nothing from a server:
 *   → {"switchboard":2,"server":"<id>","nonce":"<client nonce>"}
 *   ← {"ok":true,"nonce":"<server nonce>","proof":"<server proof>"}         or {"ok":false,"error":"…"}
 *   → {"proof":"<client proof>","client":"pid 123","install":"cursor"}
 *   ← {"ok":true}                                                          or {"ok":false,"error":"…"}
 * then the endpoint's own framing. Nonces are 32 random bytes in hex, fresh on each side for each
 * connection; a proof is HMAC-SHA256 under the secret of the role ("server" or "client"), the
 * endpoint's id and both nonces, so no answer can be replayed, reflected or used for another
 * endpoint. `install` (optional) is the install tag of the client entry the connector runs (a client
 * id, from INSTALL_ENV in the entry's env): the proxy applies that install's tool rules. Each line is at most MAX_HELLO_BYTES; a refusal is one answer line, and nothing is read
 * after it. Node built-ins only: the connector bundles this file.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { checkEndpointOwner } from './local-socket';
import { MAX_HELLO_BYTES, safeEqual, WIRE_VERSION } from './wire';

const NONCE = /^[0-9a-f]{64}$/;

/** An install tag: a client id of the client table (lowercase letters, digits, '-'). */
export const INSTALL_TAG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The environment variable a client entry of ours carries its install tag in. */
export const INSTALL_ENV = 'MCP_SWITCHBOARD_CLIENT';

export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

/** The proof one side gives: HMAC of its role, the endpoint's id and both nonces. */
export function handshakeProof(secret: string, role: 'server' | 'client', serverId: string, clientNonce: string, serverNonce: string): string {
  return createHmac('sha256', secret).update(`mcp-switchboard/${WIRE_VERSION} ${role}\n${serverId}\n${clientNonce}\n${serverNonce}`).digest('hex');
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

const answer = (a: Record<string, unknown>) => JSON.stringify(a) + '\n';

export interface ServerStep {
  /** The line to write back (with its newline). */
  answer: string;
  /** 'proof': wait for the client's proof line; 'accepted': the connection is open; 'refused': end it. */
  next: 'proof' | 'accepted' | 'refused';
  error?: string;
  /** Free text for logs from an accepted client ("pid 123"). */
  client?: string;
  /** The install tag the client sent (valid tags only). */
  install?: string;
}

/** The server's half, fed one line at a time (pure but for the nonce it draws). */
export class ServerHandshake {
  private nonces?: { client: string; server: string; secret: string };

  constructor(
    /** undefined while the host is starting: connections are refused as "not ready". */
    private readonly secret: () => string | undefined,
    private readonly serverId: string,
    private readonly nonce: () => string = newNonce,
  ) {}

  step(line: string): ServerStep {
    return this.nonces ? this.checkProof(line, this.nonces) : this.challenge(line);
  }

  private refuse(error: string): ServerStep {
    return { answer: answer({ ok: false, error }), next: 'refused', error };
  }

  private challenge(line: string): ServerStep {
    if (!isJson(line)) return this.refuse('not a Switchboard connector (hello is not JSON)');
    const hello = parse(line);
    // The version first, so an older connector is told so (a version-1 hello carries the secret
    // itself: it is refused without being looked at).
    if (!hello || hello.switchboard !== WIRE_VERSION) return this.refuse('unsupported connector protocol version');
    if (hello.server !== this.serverId) {
      // Only a string is echoed (bounded): String() of a parsed object can throw ({"toString":1}).
      const asked =
        typeof hello.server === 'string'
          ? JSON.stringify(hello.server.slice(0, 100))
          : hello.server === undefined
            ? 'an unnamed server'
            : 'a server id that is not text';
      return this.refuse(`this endpoint serves "${this.serverId}", not ${asked}`);
    }
    if (typeof hello.nonce !== 'string' || !NONCE.test(hello.nonce)) return this.refuse('the hello has no valid nonce');
    const secret = this.secret();
    if (!secret) return this.refuse('not ready');
    const server = this.nonce();
    this.nonces = { client: hello.nonce, server, secret };
    return {
      answer: answer({ ok: true, nonce: server, proof: handshakeProof(secret, 'server', this.serverId, hello.nonce, server) }),
      next: 'proof',
    };
  }

  private checkProof(line: string, n: { client: string; server: string; secret: string }): ServerStep {
    const msg = parse(line);
    const want = handshakeProof(n.secret, 'client', this.serverId, n.client, n.server);
    if (!msg || typeof msg.proof !== 'string' || !safeEqual(msg.proof, want)) return this.refuse('wrong connector secret');
    const client = typeof msg.client === 'string' ? msg.client.slice(0, 200) : undefined;
    const install = typeof msg.install === 'string' && INSTALL_TAG.test(msg.install) ? msg.install : undefined;
    return { answer: answer({ ok: true }), next: 'accepted', client, ...(install ? { install } : {}) };
  }
}

const impostor = (where = 'there') =>
  `the program listening ${where} could not prove it is MCP Switchboard for this data directory (it does not hold this installation’s secret); nothing was sent to it`;

/** Why a client gave up: 'REFUSED' (the server said no) or 'IMPOSTOR' (the server could not prove itself). */
export type ClientStep = { ok: true; line?: string } | { ok: false; code: 'REFUSED' | 'IMPOSTOR'; message: string };

/** The client's half (pure but for its nonce): hello(), then the two answers in turn. */
export class ClientHandshake {
  private serverNonce?: string;

  constructor(
    private readonly secret: string,
    private readonly serverId: string,
    private readonly client?: string,
    readonly nonce: string = newNonce(),
    private readonly install?: string,
  ) {}

  /** The first line: no secret, nothing derived from it. */
  hello(): string {
    return answer({ switchboard: WIRE_VERSION, server: this.serverId, nonce: this.nonce });
  }

  /** The server's challenge: its proof is checked before anything else is sent; returns the proof line. */
  onChallenge(line: string): ClientStep {
    const a = parse(line);
    // Whatever answered may not be a proxy: `null`, `42` or `{"error":{…}}` are refusals too.
    if (!a || a.ok !== true) {
      const why = a && typeof a.error === 'string' ? a.error.slice(0, 300) : 'the other side refused the connection';
      return { ok: false, code: 'REFUSED', message: why };
    }
    const nonce = a.nonce;
    if (
      typeof nonce !== 'string' ||
      !NONCE.test(nonce) ||
      typeof a.proof !== 'string' ||
      !safeEqual(a.proof, handshakeProof(this.secret, 'server', this.serverId, this.nonce, nonce))
    ) {
      return { ok: false, code: 'IMPOSTOR', message: impostor() };
    }
    this.serverNonce = nonce;
    const proof = handshakeProof(this.secret, 'client', this.serverId, this.nonce, nonce);
    return {
      ok: true,
      line: answer({ proof, ...(this.client === undefined ? {} : { client: this.client }), ...(this.install === undefined ? {} : { install: this.install }) }),
    };
  }

  /** The server's verdict on our proof. */
  onVerdict(line: string): ClientStep {
    const a = parse(line);
    if (this.serverNonce && a && a.ok === true) return { ok: true };
    const why = a && typeof a.error === 'string' ? a.error.slice(0, 300) : 'the other side refused the connection';
    return { ok: false, code: 'REFUSED', message: why };
  }
}

export interface ConnectOptions {
  secret: string;
  /** The endpoint's id: a server id, or CONTROL_ID. */
  server: string;
  /** Free text for the server's logs: which program connects. */
  client?: string;
  /** The install tag of the client entry (see INSTALL_TAG); the proxy applies that install's tool rules. */
  install?: string;
  /** Gives up on a server that does not finish the handshake (default 10 s). */
  timeoutMs?: number;
}

/**
 * Opens a connection to a local endpoint: checks the Unix socket's directory and owner first
 * (local-socket.checkEndpointOwner), then runs the handshake. Resolves with the open socket and any
 * bytes that followed the last answer. Rejects with the file system's or socket's error (ENOENT,
 * ECONNREFUSED, …: nothing listens), or an error whose code is 'UNSAFE' (not our socket: nothing
 * sent), 'IMPOSTOR' (the server could not prove itself: only the nonce line was sent), 'REFUSED'
 * (the server said no, with its reason), 'ETIMEDOUT' or 'ECONNRESET'.
 */
export async function connectToEndpoint(endpoint: string, opts: ConnectOptions): Promise<{ socket: net.Socket; rest: Buffer }> {
  checkEndpointOwner(endpoint);
  const hs = new ClientHandshake(opts.secret, opts.server, opts.client, undefined, opts.install);
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint);
    let buf: Buffer = Buffer.alloc(0);
    let stage: 'challenge' | 'verdict' = 'challenge';
    let settled = false;
    const fail = (err: Error, code?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.destroy();
      reject(code ? Object.assign(err, { code }) : err);
    };
    const timer = setTimeout(() => fail(new Error('the other side did not finish the handshake in time'), 'ETIMEDOUT'), opts.timeoutMs ?? 10_000);
    timer.unref();
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (let nl = buf.indexOf(10); nl !== -1 && !settled; nl = buf.indexOf(10)) {
        const line = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 1);
        const step = stage === 'challenge' ? hs.onChallenge(line) : hs.onVerdict(line);
        if (!step.ok) return fail(new Error(step.code === 'IMPOSTOR' ? impostor(`on ${endpoint}`) : step.message), step.code);
        if (stage === 'challenge') {
          stage = 'verdict';
          socket.write(step.line!);
          continue;
        }
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', fail);
        socket.off('close', onClose);
        return resolve({ socket, rest: buf });
      }
      if (!settled && buf.length > MAX_HELLO_BYTES) fail(new Error('handshake answer too long'));
    };
    const onClose = () => fail(new Error('the other side closed the connection during the handshake'), 'ECONNRESET');
    socket.once('connect', () => socket.write(hs.hello()));
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('close', onClose);
  });
}

export interface AcceptOptions {
  secret: () => string | undefined;
  serverId: string;
  /** The whole handshake must be done within this (default 5 s). */
  timeoutMs?: number;
  onRejected?(reason: string): void;
}

/**
 * The server's side on an accepted socket: runs the handshake and resolves with the bytes that
 * followed the client's proof line (already part of the endpoint's own stream) and the client's
 * tag, or undefined when the connection was refused (after one answer line) or went away.
 */
export function acceptHandshake(socket: net.Socket, opts: AcceptOptions): Promise<{ rest: Buffer; client?: string; install?: string } | undefined> {
  const hs = new ServerHandshake(opts.secret, opts.serverId);
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onGone);
    };
    const refuse = (reason: string, line = answer({ ok: false, error: reason })) => {
      if (done) return;
      finish();
      opts.onRejected?.(reason);
      socket.end(line);
      socket.destroySoon?.();
      setTimeout(() => socket.destroy(), 200).unref();
      resolve(undefined);
    };
    const timer = setTimeout(() => refuse('no hello within the time limit'), opts.timeoutMs ?? 5000);
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (let nl = buf.indexOf(10); nl !== -1 && !done; nl = buf.indexOf(10)) {
        if (nl > MAX_HELLO_BYTES) return refuse('hello line too long');
        let line = buf.subarray(0, nl).toString('utf8');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        buf = buf.subarray(nl + 1);
        const step = hs.step(line);
        if (step.next === 'refused') return refuse(step.error ?? 'refused', step.answer);
        socket.write(step.answer);
        if (step.next === 'accepted') {
          finish();
          return resolve({ rest: buf, client: step.client, install: step.install });
        }
      }
      if (!done && buf.length > MAX_HELLO_BYTES) refuse('hello line too long');
    };
    const onGone = () => {
      if (done) return;
      finish();
      resolve(undefined);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.once('close', onGone);
  });
}

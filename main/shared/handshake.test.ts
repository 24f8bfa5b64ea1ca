/**
 * The handshake (handshake.ts): both halves as pure steps (what was checkHello's: version, proof in
 * place of the secret, server id, not-JSON), and the client over a real socket against a server
 * that does not hold the secret: it learns only a nonce. The endpoint owner check
 * (local-socket.checkEndpointOwner) on real directories and sockets.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientHandshake, connectToEndpoint, handshakeProof, newNonce, ServerHandshake } from './handshake';
import { checkEndpointOwner } from './local-socket';
import { WIRE_VERSION } from './wire';

const SECRET = 'ab'.repeat(32);
const server = (secret: string | undefined = SECRET, id = 'notion') => new ServerHandshake(() => secret, id);
const line = (o: object) => JSON.stringify(o);

/** Runs a whole handshake between the two halves; returns the server's last step. */
function run(client: ClientHandshake, srv: ServerHandshake) {
  const first = srv.step(client.hello().trimEnd());
  if (first.next !== 'proof') return { first };
  const challenge = client.onChallenge(first.answer.trimEnd());
  if (!challenge.ok) return { first, challenge };
  const second = srv.step(challenge.line!.trimEnd());
  return { first, challenge, second, verdict: client.onVerdict(second.answer.trimEnd()) };
}

describe('handshake: both halves', () => {
  it('opens with the right secret and server id, and carries the client tag', () => {
    const r = run(new ClientHandshake(SECRET, 'notion', 'claude'), server());
    expect(r.second).toEqual({ answer: '{"ok":true}\n', next: 'accepted', client: 'claude' });
    expect(r.verdict).toEqual({ ok: true });
  });

  it('carries the install tag of the client entry; a malformed tag is dropped, not refused', () => {
    const tagged = run(new ClientHandshake(SECRET, 'notion', 'pid 7', undefined, 'cursor'), server());
    expect(tagged.second).toEqual({ answer: '{"ok":true}\n', next: 'accepted', client: 'pid 7', install: 'cursor' });
    const odd = run(new ClientHandshake(SECRET, 'notion', 'pid 7', undefined, 'Cursor "../x"'), server());
    expect(odd.second).toEqual({ answer: '{"ok":true}\n', next: 'accepted', client: 'pid 7' });
  });

  it('the first line holds no secret and nothing derived from it: version, server id and a fresh nonce', () => {
    const a = new ClientHandshake(SECRET, 'notion');
    const b = new ClientHandshake(SECRET, 'notion');
    const hello = JSON.parse(a.hello());
    expect(Object.keys(hello).sort()).toEqual(['nonce', 'server', 'switchboard']);
    expect(hello).toEqual({ switchboard: WIRE_VERSION, server: 'notion', nonce: a.nonce });
    expect(a.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('a client with another secret finds the server unproven and sends nothing more', () => {
    const r = run(new ClientHandshake('cd'.repeat(32), 'notion'), server());
    expect(r.challenge).toMatchObject({ ok: false, code: 'IMPOSTOR' });
    expect(r.second).toBeUndefined();
  });

  it('refuses a wrong proof: another secret, a replayed one, the server’s own reflected, one for another endpoint', () => {
    const proofLine = (proof: unknown) => line({ proof });
    const s = () => {
      const srv = server();
      const c = new ClientHandshake(SECRET, 'notion');
      const challenge = JSON.parse(srv.step(c.hello().trimEnd()).answer);
      return { srv, c, challenge };
    };
    const wrong = { answer: '{"ok":false,"error":"wrong connector secret"}\n', next: 'refused', error: 'wrong connector secret' };
    {
      const { srv, c, challenge } = s();
      expect(srv.step(proofLine(handshakeProof('cd'.repeat(32), 'client', 'notion', c.nonce, challenge.nonce)))).toEqual(wrong);
    }
    {
      // A proof that opened an earlier connection does not open this one (fresh server nonce).
      const first = s();
      const old = first.c.onChallenge(JSON.stringify(first.challenge));
      const second = s();
      expect(second.srv.step(old.ok ? old.line!.trimEnd() : '')).toEqual(wrong);
    }
    {
      const { srv, challenge } = s();
      expect(srv.step(proofLine(challenge.proof))).toEqual(wrong);
    }
    {
      const { srv, c, challenge } = s();
      expect(srv.step(proofLine(handshakeProof(SECRET, 'client', 'linear', c.nonce, challenge.nonce)))).toEqual(wrong);
    }
    for (const bad of [line({}), line({ proof: 12 }), 'null', 'not json', line({ proof: SECRET })]) {
      expect(s().srv.step(bad)).toEqual(wrong);
    }
  });

  it('refuses another protocol version, version 1 (which carried the secret) included', () => {
    for (const v of [0, 1, 3, '2', undefined]) {
      expect(server().step(line({ switchboard: v, secret: SECRET, server: 'notion', nonce: newNonce() }))).toMatchObject({
        next: 'refused',
        error: 'unsupported connector protocol version',
      });
    }
    for (const l of ['null', '[1]', '42']) expect(server().step(l).error).toBe('unsupported connector protocol version');
  });

  it('refuses a hello for another server and names both', () => {
    expect(server().step(line({ switchboard: WIRE_VERSION, server: 'linear', nonce: newNonce() })).error).toBe('this endpoint serves "notion", not "linear"');
    expect(server().step(line({ switchboard: WIRE_VERSION, nonce: newNonce() })).error).toBe('this endpoint serves "notion", not an unnamed server');
    for (const id of [{ toString: 1 }, ['a'], null, 12]) {
      expect(server().step(line({ switchboard: WIRE_VERSION, server: id, nonce: newNonce() })).error).toBe(
        'this endpoint serves "notion", not a server id that is not text',
      );
    }
  });

  it('refuses what is not JSON, and checks the version before anything else', () => {
    for (const l of ['', 'hello', 'GET / HTTP/1.1', '{"switchboard":2,']) {
      expect(server().step(l)).toEqual({
        answer: '{"ok":false,"error":"not a Switchboard connector (hello is not JSON)"}\n',
        next: 'refused',
        error: 'not a Switchboard connector (hello is not JSON)',
      });
    }
    expect(server().step(line({ switchboard: 99, server: 'x' })).error).toBe('unsupported connector protocol version');
  });

  it('wants a nonce of 32 random bytes in hex, and says when the host has no secret yet', () => {
    for (const nonce of [undefined, '', 'ab', 'AB'.repeat(32), 'g'.repeat(64), 7]) {
      expect(server().step(line({ switchboard: WIRE_VERSION, server: 'notion', nonce })).error).toBe('the hello has no valid nonce');
    }
    expect(new ServerHandshake(() => undefined, 'notion').step(new ClientHandshake(SECRET, 'notion').hello().trimEnd()).error).toBe('not ready');
  });

  it('the client refuses a challenge without a valid proof, or a proof for another nonce, as an impostor', () => {
    const c = new ClientHandshake(SECRET, 'notion');
    const n = newNonce();
    for (const a of [
      { ok: true },
      { ok: true, nonce: n },
      { ok: true, nonce: n, proof: 'f'.repeat(64) },
      { ok: true, nonce: 'short', proof: handshakeProof(SECRET, 'server', 'notion', c.nonce, 'short') },
      { ok: true, nonce: n, proof: handshakeProof(SECRET, 'server', 'notion', newNonce(), n) },
      { ok: true, nonce: n, proof: handshakeProof(SECRET, 'client', 'notion', c.nonce, n) },
      { ok: true, nonce: n, proof: handshakeProof(SECRET, 'server', 'linear', c.nonce, n) },
    ]) {
      expect(c.onChallenge(line(a))).toMatchObject({ ok: false, code: 'IMPOSTOR' });
    }
    for (const a of ['null', '42', line({ ok: 'true' }), line({ error: { a: 1 } })]) {
      expect(c.onChallenge(a)).toEqual({ ok: false, code: 'REFUSED', message: 'the other side refused the connection' });
    }
    expect(c.onChallenge(line({ ok: false, error: 'unsupported connector protocol version' }))).toEqual({
      ok: false,
      code: 'REFUSED',
      message: 'unsupported connector protocol version',
    });
    // A verdict before a proven challenge is no verdict.
    expect(new ClientHandshake(SECRET, 'notion').onVerdict(line({ ok: true }))).toMatchObject({ ok: false, code: 'REFUSED' });
  });
});

describe('connectToEndpoint (real sockets)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  /** A server in a private temp dir that answers each line with `answerFor` and records what it got. */
  async function fakeServer(answerFor: (line: string, n: number) => string | undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-hs-'));
    const endpoint = path.join(dir, 's.sock');
    const got: Buffer[] = [];
    const srv = net.createServer((s) => {
      let n = 0;
      let buf = '';
      s.on('error', () => {});
      s.on('data', (d: Buffer) => {
        got.push(d);
        buf += d.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
          const a = answerFor(buf.slice(0, nl), n++);
          buf = buf.slice(nl + 1);
          if (a !== undefined) s.write(a);
        }
      });
    });
    await new Promise<void>((r) => srv.listen(endpoint, r));
    cleanups.push(() => {
      srv.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { dir, endpoint, received: () => Buffer.concat(got).toString('utf8') };
  }

  it('a server without the secret gets only the nonce line, whatever it answers', async () => {
    const fake = await fakeServer((l) => {
      const hello = JSON.parse(l);
      // As close as it can get: a well-formed challenge whose proof it cannot compute.
      return line({ ok: true, nonce: newNonce(), proof: handshakeProof('00'.repeat(32), 'server', hello.server, hello.nonce, newNonce()) }) + '\n';
    });
    const err = (await connectToEndpoint(fake.endpoint, { secret: SECRET, server: 'notion', client: 'pid 1' }).catch((e: Error) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe('IMPOSTOR');
    const lines = fake.received().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0])).sort()).toEqual(['nonce', 'server', 'switchboard']);
    expect(fake.received()).not.toContain(SECRET);
  });

  it('opens against a server with the secret, passing on the bytes that follow the verdict', async () => {
    const hs = new ServerHandshake(() => SECRET, 'notion');
    const fake = await fakeServer((l) => {
      const step = hs.step(l);
      return step.next === 'accepted' ? step.answer + '{"jsonrpc":"2.0","method":"early"}\n' : step.answer;
    });
    const { socket, rest } = await connectToEndpoint(fake.endpoint, { secret: SECRET, server: 'notion', client: 'pid 1' });
    socket.destroy();
    expect(rest.toString()).toBe('{"jsonrpc":"2.0","method":"early"}\n');
    expect(fake.received()).not.toContain(SECRET);
  });

  it('says ECONNRESET (or EPIPE) when the server closes mid-handshake, and gives up on an overlong answer', async () => {
    const silent = await fakeServer(() => undefined);
    const closing = net.createServer((s) => s.destroy());
    const endpoint = path.join(silent.dir, 'closing.sock');
    await new Promise<void>((r) => closing.listen(endpoint, r));
    cleanups.push(() => closing.close());
    expect(['ECONNRESET', 'EPIPE']).toContain(
      ((await connectToEndpoint(endpoint, { secret: SECRET, server: 'x' }).catch((e) => e)) as NodeJS.ErrnoException).code,
    );
    const long = await fakeServer(() => 'A'.repeat(20_000));
    expect(((await connectToEndpoint(long.endpoint, { secret: SECRET, server: 'x' }).catch((e) => e)) as Error).message).toMatch(/too long/);
  });
});

describe.runIf(process.platform !== 'win32')('checkEndpointOwner (real files)', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sb-own-'));

  it('passes our socket in our private dir; says ENOENT when there is none yet', async () => {
    const dir = tmp();
    try {
      const endpoint = path.join(dir, 'a.sock');
      expect(() => checkEndpointOwner(endpoint)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      expect(() => checkEndpointOwner(path.join(dir, 'missing', 'a.sock'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(endpoint, r));
      expect(() => checkEndpointOwner(endpoint)).not.toThrow();
      srv.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a dir others can enter, a symlinked dir, a file that is not a socket, and (as root) another user’s dir or socket', async () => {
    const dir = tmp();
    try {
      const run = path.join(dir, 'run');
      fs.mkdirSync(run, { mode: 0o700 });
      const endpoint = path.join(run, 'a.sock');
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(endpoint, r));
      try {
        fs.chmodSync(run, 0o755);
        expect(() => checkEndpointOwner(endpoint)).toThrow(
          expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/other users can enter/) }),
        );
        fs.chmodSync(run, 0o700);
        fs.symlinkSync(run, path.join(dir, 'link'));
        expect(() => checkEndpointOwner(path.join(dir, 'link', 'a.sock'))).toThrow(
          expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/not a plain directory/) }),
        );
        fs.writeFileSync(path.join(run, 'file.sock'), '');
        expect(() => checkEndpointOwner(path.join(run, 'file.sock'))).toThrow(
          expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/is not a socket/) }),
        );
        if (process.getuid?.() === 0) {
          fs.lchownSync(endpoint, 4242, 4242);
          expect(() => checkEndpointOwner(endpoint)).toThrow(
            expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/socket .* belongs to another user/) }),
          );
          fs.lchownSync(endpoint, 0, 0);
          fs.chownSync(run, 4242, 4242);
          expect(() => checkEndpointOwner(endpoint)).toThrow(
            expect.objectContaining({ code: 'UNSAFE', message: expect.stringMatching(/directory .* belongs to another user/) }),
          );
        }
        // The pipe names of Windows have no owner to check here: the handshake's proof is the check.
        expect(() => checkEndpointOwner('\\\\.\\pipe\\x', 'win32')).not.toThrow();
      } finally {
        srv.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

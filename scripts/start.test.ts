/**
 * `npm start` (scripts/start.mjs) where Electron cannot start: it says why in one sentence and
 * runs the headless host with the window served to the browser on 127.0.0.1 instead; where
 * Electron runs, it only runs Electron. Real processes: start.mjs itself, the bundled headless host
 * (out/cli/index.js serve --web) and its proxies, a real HTTP client for the window.
 *
 * Electron's own knobs point it at what cannot work here: ELECTRON_OVERRIDE_DIST_PATH at an empty
 * folder (no binary), ELECTRON_MIRROR at a port that refuses or never answers, electron_config_cache
 * at an empty cache. The one stand-in: where an Electron that starts or fails at once is needed, a
 * small script plays its binary (no real Electron can run on this machine).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../test/fixtures/ports';

const ROOT = path.resolve(__dirname, '..');
const START = path.join(ROOT, 'scripts', 'start.mjs');
const INSTEAD = 'Starting MCP Switchboard in your browser instead.';

beforeAll(() => {
  // The global setup builds the node entries; the window's files come from the renderer build.
  if (!fs.existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) {
    execBuild('--only=renderer');
  }
});

function execBuild(arg: string): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), arg], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

interface Started {
  child: ChildProcess;
  stderr(): string;
  opened(): string[];
  exited: Promise<number | null>;
  dataDir: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs start.mjs (without its build) on a temp home, with a browser opener that records what it opens. */
function start(extraEnv: Record<string, string>): Started {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-start-'));
  const dataDir = path.join(home, 'data');
  const openedFile = path.join(home, 'opened.txt');
  const recorder = path.join(home, 'browser.mjs');
  fs.writeFileSync(recorder, "import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.OPENED_FILE, process.argv.at(-1) + '\\n');\n");
  fs.mkdirSync(path.join(home, 'no-electron'));
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '',
    MCP_SWITCHBOARD_HOME: dataDir,
    MCP_SWITCHBOARD_BROWSER: JSON.stringify([process.execPath, recorder]),
    OPENED_FILE: openedFile,
    ELECTRON_OVERRIDE_DIST_PATH: path.join(home, 'no-electron'),
    electron_config_cache: path.join(home, 'electron-cache'),
    ELECTRON_GET_NO_PROGRESS: '1',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [START, '--no-build'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(home, { recursive: true, force: true });
  });
  const opened = () => (fs.existsSync(openedFile) ? fs.readFileSync(openedFile, 'utf8').split('\n').filter(Boolean) : []);
  return { child, stderr: () => err, opened, exited, dataDir };
}

/** A port where nothing listens. */
async function refusedMirror(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/`;
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    if (!e.isFile()) return [];
    return [fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')];
  });
}

describe('npm start (scripts/start.mjs)', () => {
  it('where the binary cannot be downloaded: one sentence, then the headless host with the window in the browser', async () => {
    const run = start({ ELECTRON_MIRROR: await refusedMirror() });
    const url = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}/.exec(run.stderr())?.[0], 'the window link on stderr', 60_000);
    const err = run.stderr();
    expect(err).toContain(
      "Electron's binary could not be downloaded (ECONNREFUSED: offline or blocked by a proxy); set ELECTRON_MIRROR to a mirror you can reach, or run npm start once where the download works. " +
        INSTEAD,
    );
    expect(err).not.toMatch(/Electron failed to install correctly|\n\s+at /);
    // The same link, opened in "the browser" once.
    await waitFor(() => run.opened().length > 0, 'the browser opener');
    expect(run.opened()).toEqual([url]);

    // The window answers: the link is spent for the cookie, which opens the page and the calls.
    const exchange = await fetch(url, { redirect: 'manual' });
    expect(exchange.status).toBe(302);
    expect(exchange.headers.get('location')).toBe('/');
    const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
    const origin = new URL(url).origin;
    const page = await fetch(`${origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/switchboard-bridge.js"></script>');
    const call = await fetch(`${origin}/call`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'app:info', arg: null }),
    });
    expect(await call.json()).toMatchObject({ ok: true, value: { dataDir: run.dataDir, loginItemSupported: false } });
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(403);

    // Ctrl+C (or a TERM) stops the host, and start.mjs with it.
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // Secrets stay out of the logs.
    const token = new URL(url).searchParams.get('token')!;
    for (const text of filesUnder(run.dataDir)) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(cookie.split('=')[1]);
    }
  });

  it('gives up on a download that never answers, without waiting for the network timeouts', async () => {
    // A mirror that accepts the connection and then says nothing (a proxy or firewall swallowing it).
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as net.AddressInfo).port;
    const run = start({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, MCP_SWITCHBOARD_ELECTRON_STALL_MS: '1000', HTTPS_PROXY: 'http://proxy.invalid:3128' });
    await waitFor(() => run.stderr().includes(INSTEAD), 'the sentence', 60_000);
    expect(run.stderr()).toContain(
      "Electron's binary could not be downloaded (no answer for 1 s: offline or blocked by a proxy); set ELECTRON_MIRROR to a mirror you can reach, or ELECTRON_GET_USE_PROXY=1 to download through your proxy, or run npm start once where the download works. " +
        INSTEAD,
    );
    await waitFor(() => run.opened().length > 0, 'the browser opener', 60_000);
  });

  describe.skipIf(process.platform === 'win32')('with a stand-in for the Electron binary', () => {
    /** A folder with an "electron" that records its argv, cwd and ELECTRON_RUN_AS_NODE, then exits with `code`. */
    function fakeElectron(code: number, message = 'electron: error while loading shared libraries: libnss3.so'): { dir: string; record: string } {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fake-electron-'));
      const record = path.join(dir, 'record.json');
      const script = [
        `#!${process.execPath}`,
        "const fs = require('node:fs');",
        `fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), runAsNode: process.env.ELECTRON_RUN_AS_NODE ?? null, home: process.env.MCP_SWITCHBOARD_HOME ?? null }));`,
        code ? `console.error(${JSON.stringify(message)});` : '',
        `process.exit(${code});`,
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'electron'), script, { mode: 0o755 });
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      return { dir, record };
    }

    it('where Electron runs, runs only Electron on the app (without an inherited ELECTRON_RUN_AS_NODE)', async () => {
      const fake = fakeElectron(0);
      const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake.dir, ELECTRON_RUN_AS_NODE: '1', ELECTRON_MIRROR: await refusedMirror() });
      expect(await run.exited).toBe(0);
      expect(JSON.parse(fs.readFileSync(fake.record, 'utf8'))).toEqual({ argv: ['.'], cwd: ROOT, runAsNode: null, home: run.dataDir });
      expect(run.stderr()).not.toContain(INSTEAD);
      expect(run.opened()).toEqual([]);
    });

    it("a checkout runs on its own data directory, beside the installed app's, unless MCP_SWITCHBOARD_HOME says otherwise", async () => {
      const fake = fakeElectron(0);
      const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake.dir, MCP_SWITCHBOARD_HOME: '' });
      expect(await run.exited).toBe(0);
      const home = path.dirname(run.dataDir);
      expect(JSON.parse(fs.readFileSync(fake.record, 'utf8')).home).toBe(path.join(home, '.config', 'mcp-switchboard-dev'));
    });

    it('where Chromium aborts for its sandbox (Ubuntu 23.10 and later), says how to set up chrome-sandbox, never turns the sandbox off', async () => {
      const fake = fakeElectron(
        133,
        "[12345:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now.",
      );
      const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
      await waitFor(() => run.opened().length > 0, 'the browser opener', 60_000);
      const helper = path.join(fake.dir, 'chrome-sandbox');
      expect(run.stderr()).toContain('The SUID sandbox helper binary was found, but is not configured correctly');
      expect(run.stderr()).toContain(
        `Electron's sandbox cannot start here: this Linux restricts unprivileged user namespaces (Ubuntu 23.10 and later do) and ${helper} is not set up as its setuid helper. ` +
          `Run once: sudo chown root:root '${helper}' && sudo chmod 4755 '${helper}' (or add an AppArmor profile that allows userns for it), then npm start again to get the desktop app. ${INSTEAD}`,
      );
      expect(JSON.parse(fs.readFileSync(fake.record, 'utf8')).argv).not.toContain('--no-sandbox');
    });

    it('where Electron exits at once with an error, says so and starts the window in the browser', async () => {
      const fake = fakeElectron(3);
      const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
      await waitFor(() => run.opened().length > 0, 'the browser opener', 60_000);
      expect(run.stderr()).toContain('electron: error while loading shared libraries: libnss3.so');
      expect(run.stderr()).toContain(
        `Electron could not start here (it exited with code 3 at once; its own message is above); fix that to get the desktop app. ${INSTEAD}`,
      );
      expect(run.stderr()).toContain(run.opened()[0]);
    });
  });
});

/**
 * Electron smoke test: the built app starts with a temp data dir, its window shows our page with
 * the preload bridge, a contract call round-trips through IPC to the real core, the tray is there
 * and shows the servers, `--background` starts without a window, launch at login writes the
 * autostart entry (Linux), and quitting stops the proxies.
 *
 * CI has no Electron binary (Electron ≥ 42 downloads it lazily on first require, which fails
 * offline), so availability is decided WITHOUT requiring 'electron': ELECTRON_BIN, or
 * node_modules/electron/path.txt naming a file that exists under node_modules/electron/dist.
 * Linux needs a display: run under `xvfb-run -a npx playwright test e2e/electron-smoke.spec.ts`.
 * The tray is read through a hook the app installs only with MCP_SWITCHBOARD_SMOKE_HOOKS=1
 * (Electron keeps no list of trays).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { _electron, expect, test, type ElectronApplication } from '@playwright/test';
import type { ServerSummary } from '../common/contract';
import { repoRoot } from './support/paths';

function electronBinary(): string | undefined {
  const fromEnv = process.env.ELECTRON_BIN;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  const pkg = path.join(repoRoot, 'node_modules', 'electron');
  const pathTxt = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathTxt)) return undefined;
  const bin = path.join(pkg, 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
  return fs.existsSync(bin) ? bin : undefined;
}

const bin = electronBinary();
const built = fs.existsSync(path.join(repoRoot, 'out', 'main', 'index.js')) && fs.existsSync(path.join(repoRoot, 'out', 'renderer', 'index.html'));

const skipReason = !bin
  ? 'Electron binary not installed (run "npx install-electron --no" or set ELECTRON_BIN); the smoke e2e runs on developer/release machines only'
  : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
    ? 'No display: run the smoke e2e under "xvfb-run -a"'
    : !built
      ? 'App not built: run "npm run build" first'
      : undefined;

interface TraySnapshot {
  icon: string;
  tooltip: string;
  menu: string[];
}

/** What the app's tray shows (undefined until it exists). */
function traySnapshot(app: ElectronApplication): Promise<TraySnapshot | undefined> {
  return app.evaluate(() => (globalThis as { __switchboardSmoke?: { tray(): TraySnapshot | undefined } }).__switchboardSmoke?.tray());
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

test.describe('Electron app', () => {
  test.skip(skipReason !== undefined, skipReason);

  let app: ElectronApplication | undefined;
  let home: string;
  let configHome: string;

  function launch(extraArgs: string[] = []): Promise<ElectronApplication> {
    return _electron.launch({
      executablePath: bin!,
      args: [repoRoot, ...extraArgs],
      cwd: repoRoot,
      env: {
        ...process.env,
        MCP_SWITCHBOARD_HOME: home,
        // Launch at login writes here on Linux, never into the developer's ~/.config/autostart.
        XDG_CONFIG_HOME: configHome,
        MCP_SWITCHBOARD_SMOKE_HOOKS: '1',
        ELECTRON_ENABLE_LOGGING: '1',
      } as Record<string, string>,
      timeout: 30_000,
    });
  }

  test.beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-smoke-'));
    configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-smoke-xdg-'));
  });

  test.afterEach(async () => {
    await app?.close().catch(() => {});
    app = undefined;
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(configHome, { recursive: true, force: true });
  });

  test('starts, shows the window with the bridge, answers over IPC, and has a tray', async () => {
    app = await launch();
    const win = await app.firstWindow();
    await expect(win.getByRole('heading', { name: 'MCP Switchboard', level: 1 })).toBeVisible();
    // Served from the app's own scheme (main/electron/renderer-scheme.ts), not file://.
    expect(win.url()).toBe('app://renderer/index.html');
    // Shown on ready-to-show, which may come a moment after the page paints.
    await expect.poll(() => app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([true]);

    // Isolation: the page sees the contract bridge and nothing of Node or Electron.
    const globals = await win.evaluate(() => ({
      bridge: typeof window.switchboard?.call,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    }));
    expect(globals).toMatchObject({ bridge: 'function', require: 'undefined', process: 'undefined' });
    expect(globals.csp).toContain("default-src 'none'");
    // window.open is denied by the window's guards.
    expect(await win.evaluate(() => window.open('https://example.com/') === null)).toBe(true);

    const list = await win.evaluate(() => window.switchboard.call('servers:list', undefined));
    expect(list).toEqual({ ok: true, value: [] });
    const refused = await win.evaluate(() => window.switchboard.call('servers:add', { url: 42 } as never));
    expect(refused).toMatchObject({ ok: false });
    const info = await win.evaluate(() => window.switchboard.call('app:info', undefined));
    expect(info).toMatchObject({ ok: true, value: { dataDir: home, loginItemSupported: true } });

    // The tray: "Open Switchboard" first, the idle icon, "Launch at login" and "Quit" last.
    await expect.poll(() => traySnapshot(app!)).toMatchObject({ icon: 'idle', tooltip: 'MCP Switchboard — no servers yet' });
    const tray = (await traySnapshot(app))!;
    expect(tray.menu[0]).toBe('Open Switchboard');
    expect(tray.menu.slice(-2)).toEqual(['Launch at login', 'Quit']);

    // The data dir belongs to this test, not to the developer's profile.
    expect(fs.existsSync(home)).toBe(true);
    await expect(win.getByTestId('empty-state')).toBeVisible();
  });

  test('launch at login writes and removes the autostart entry (Linux)', async () => {
    test.skip(process.platform !== 'linux', 'The XDG autostart entry is Linux only; macOS and Windows use the system login items');
    app = await launch();
    const win = await app.firstWindow();
    const entry = path.join(configHome, 'autostart', 'mcp-switchboard.desktop');
    expect(await win.evaluate(() => window.switchboard.call('settings:set', { launchAtLogin: true }))).toMatchObject({
      ok: true,
      value: { launchAtLogin: true },
    });
    expect(fs.readFileSync(entry, 'utf8')).toMatch(/^Exec=.* --background$/m);
    await expect.poll(async () => (await traySnapshot(app!))?.menu.includes('Launch at login')).toBe(true);
    expect(await win.evaluate(() => window.switchboard.call('settings:set', { launchAtLogin: false }))).toMatchObject({
      ok: true,
      value: { launchAtLogin: false },
    });
    expect(fs.existsSync(entry)).toBe(false);
  });

  test('--background starts the tray and the proxies without a window, and quitting stops the proxies', async () => {
    // A server whose proxy runs (its upstream refuses connections, so the proxy keeps retrying).
    app = await launch();
    const win = await app.firstWindow();
    const added = await win.evaluate(() => window.switchboard.call('servers:add', { url: 'http://127.0.0.1:9/mcp', name: 'Unreachable' }));
    expect(added).toMatchObject({ ok: true });
    await app.close();

    app = await launch(['--background']);
    await expect.poll(() => traySnapshot(app!), { timeout: 30_000 }).toMatchObject({ menu: expect.arrayContaining(['Open Switchboard']) });
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    await expect.poll(async () => (await traySnapshot(app!))?.menu.some((l) => l.startsWith('Unreachable — ')), { timeout: 30_000 }).toBe(true);

    // The proxy's pid, from the core (there is no window to ask through).
    let pid: number | undefined;
    await expect.poll(async () => (pid = (await serversOf(app!)).find((s) => s.name === 'Unreachable')?.status.pid), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(processAlive(pid!)).toBe(true);

    await app.close();
    app = undefined;
    await expect.poll(() => processAlive(pid!), { timeout: 15_000 }).toBe(false);
  });
});

/** The core's server list, through the smoke hook. */
function serversOf(app: ElectronApplication): Promise<ServerSummary[]> {
  return app.evaluate(() => (globalThis as { __switchboardSmoke?: { servers(): ServerSummary[] } }).__switchboardSmoke?.servers() ?? []);
}

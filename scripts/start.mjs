#!/usr/bin/env node
// `npm start`: builds, then runs the desktop app with Electron. Where Electron cannot start here
// (its binary is missing and cannot be downloaded: offline, or a proxy in the way; or it exits at
// once), it says why and what to do in one sentence, then runs the headless host in the foreground
// with the window served to the system browser on 127.0.0.1 instead (`serve --web`,
// main/headless/web-window.ts). Where Electron runs, it runs as `electron .` did.
// Usage: node scripts/start.mjs [--no-build]
//
// How electron 45 finds its binary (node_modules/electron/index.js): path.txt names it under dist/
// (or under ELECTRON_OVERRIDE_DIST_PATH). When it is missing, `require('electron')` runs install.js
// synchronously: @electron/get downloads the zip (through its cache) and install.js unpacks it; a
// failure ends in "Electron failed to install correctly…", and a network that swallows packets
// makes it wait for long timeouts. So this script takes the same steps itself: the download with
// a watchdog (no answer or no bytes for STALL_MS: give up), then install.js to unpack the cached zip.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { devDataDir, SANDBOX_FAILURE, sandboxAdvice } from './start-support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INSTEAD = 'Starting MCP Switchboard in your browser instead.';
/** How long the download may go without an answer or a byte (MCP_SWITCHBOARD_ELECTRON_STALL_MS for tests). */
const STALL_MS = Number(process.env.MCP_SWITCHBOARD_ELECTRON_STALL_MS) || 15_000;
/** An Electron that exits with an error this soon after its start never came up. */
const EARLY_EXIT_MS = 10_000;

/** node_modules/electron, or undefined when the package is not installed. */
function electronDir() {
  try {
    return path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** Where the binary is (as electron/index.js computes it), without fetching it. */
function electronBinary(dir, env) {
  let rel;
  try {
    rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8');
  } catch {
    rel = undefined;
  }
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
  return rel ? path.join(dir, 'dist', rel) : undefined;
}

/** A short cause for a failed download: the HTTP status, the network error's code, or the message. */
function downloadCause(err) {
  if (err?.name === 'AbortError' || err?.cause?.name === 'AbortError') return `no answer for ${Math.round(STALL_MS / 1000)} s`;
  if (err?.response?.status) return `HTTP ${err.response.status}`;
  const code = err?.cause?.code ?? err?.code;
  if (code) return String(code);
  return String(err?.message ?? err).split('\n')[0];
}

/** What to do about a failed download, for the one sentence. */
function downloadAdvice(env) {
  const proxied = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const proxyHint = proxied && !env.ELECTRON_GET_USE_PROXY ? ', or ELECTRON_GET_USE_PROXY=1 to download through your proxy' : '';
  return `set ELECTRON_MIRROR to a mirror you can reach${proxyHint}, or run npm start once where the download works`;
}

/**
 * Downloads Electron's zip with a watchdog, then unpacks it with install.js. Resolves to undefined
 * when the binary is there, else to the sentence that says why not.
 */
async function fetchElectron(dir, env) {
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set); unset it and run npm install to get the desktop app.";
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  let get;
  try {
    get = await import(pathToFileURL(createRequire(path.join(dir, 'package.json')).resolve('@electron/get')).href);
  } catch (err) {
    return `Electron's downloader could not be loaded (${downloadCause(err)}); run npm install again to get the desktop app.`;
  }
  // As install.js does (it also picks arm64 for an x64 Node under Rosetta; that case downloads in install.js).
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
  const remoteChecksums = env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums;
  console.error(`Downloading Electron ${pkg.version} for the desktop app (once)…`);
  const abort = new AbortController();
  let watchdog = setTimeout(() => abort.abort(), STALL_MS);
  try {
    await get.downloadArtifact({
      version: pkg.version,
      artifactName: 'electron',
      force: env.force_no_cache === 'true',
      cacheRoot: env.electron_config_cache,
      checksums: remoteChecksums ? undefined : JSON.parse(fs.readFileSync(path.join(dir, 'checksums.json'), 'utf8')),
      platform,
      arch,
      downloadOptions: {
        signal: abort.signal,
        getProgressCallback: () => {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => abort.abort(), STALL_MS);
        },
      },
    });
  } catch (err) {
    return `Electron's binary could not be downloaded (${downloadCause(err)}: offline or blocked by a proxy); ${downloadAdvice(env)}.`;
  } finally {
    clearTimeout(watchdog);
  }
  // The zip is in @electron/get's cache now: install.js finds it there and unpacks it.
  const unpack = spawnSync(process.execPath, [path.join(dir, 'install.js')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const binary = electronBinary(dir, env);
  if (unpack.status !== 0 || !binary || !fs.existsSync(binary)) {
    const why = (unpack.stderr || unpack.stdout || '').trim().split('\n').pop() || `exit code ${unpack.status}`;
    return `Electron's binary was downloaded but could not be unpacked (${why}); delete node_modules/electron and run npm install.`;
  }
  return undefined;
}

/** Runs `child` until it exits, passing on the signals that stop it (as electron/cli.js does). */
function supervise(child) {
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => [signal, forward(signal)]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolve) => {
    child.once('error', (err) => resolve({ error: err }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  });
}

/** Runs Electron on the app. Resolves to its exit code, or to the sentence when it never came up. */
async function runElectron(binary, env) {
  const childEnv = { ...env };
  // Inherited from a shell started by Electron (or a tool): it would make `electron .` plain Node.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  const started = Date.now();
  // Electron's stderr passes through as it comes; its last part is kept to recognise a sandbox abort.
  const child = spawn(binary, ['.'], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'], env: childEnv, windowsHide: false });
  let tail = '';
  child.stderr?.on('data', (chunk) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  });
  const outcome = await supervise(child);
  // 'exit' can come before the last of stderr: read it to the end (or for a second at most).
  if (child.stderr && !child.stderr.readableEnded) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      child.stderr.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (outcome.error)
    return { reason: `Electron could not be started (${outcome.error.code ?? outcome.error.message}); run npm install again to get the desktop app.` };
  const failed = outcome.code !== 0;
  if (failed && SANDBOX_FAILURE.test(tail)) return { reason: sandboxAdvice(path.dirname(binary)) };
  if (failed && Date.now() - started < EARLY_EXIT_MS) {
    const how = outcome.signal ? `was stopped by ${outcome.signal}` : `exited with code ${outcome.code}`;
    return { reason: `Electron could not start here (it ${how} at once; its own message is above); fix that to get the desktop app.` };
  }
  return { code: outcome.code ?? 1 };
}

/** The headless host in the foreground with the window in the browser; resolves to its exit code. */
async function runInBrowser(env) {
  const cli = path.join(root, 'out', 'cli', 'index.js');
  const outcome = await supervise(spawn(process.execPath, [cli, 'serve', '--web'], { cwd: root, stdio: 'inherit', env }));
  if (outcome.error) {
    console.error(`The headless host could not be started: ${outcome.error.message}`);
    return 1;
  }
  return outcome.code ?? 1;
}

async function main(args) {
  // A checkout has its own data directory (and so its own lock and client entries): the installed
  // app is never touched, whether the window runs in Electron or in the browser.
  const env = process.env.MCP_SWITCHBOARD_HOME ? process.env : { ...process.env, MCP_SWITCHBOARD_HOME: devDataDir(process.env) };
  if (!args.includes('--no-build')) {
    const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) return built.status ?? 1;
  }
  const dir = electronDir();
  let reason;
  if (!dir) {
    reason = 'Electron is not installed (node_modules/electron is missing); run npm install to get the desktop app.';
  } else {
    const binary = electronBinary(dir, env);
    if (!binary || !fs.existsSync(binary)) reason = await fetchElectron(dir, env);
    if (!reason) {
      const ran = await runElectron(electronBinary(dir, env), env);
      if (ran.code !== undefined) return ran.code;
      reason = ran.reason;
    }
  }
  console.error(`${reason} ${INSTEAD}`);
  return runInBrowser(env);
}

process.exit(await main(process.argv.slice(2)));

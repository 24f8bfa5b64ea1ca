// Small helpers for bench/run.mjs: statistics, RSS, timeouts, child bookkeeping, bundling.
import * as fs from 'node:fs';
import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry of the repository (`root`) into one CommonJS file for Node 22, the way
 * scripts/build.mjs bundles the app's own entries (import.meta.url kept working; electron left out).
 */
export async function bundleForNode(root, entry, outfile) {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    logLevel: 'warning',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  return outfile;
}

/** Percentile by linear interpolation between closest ranks (p in 0..100). */
export function percentile(samples, p) {
  if (!samples.length) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export function mean(samples) {
  return samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN;
}

export function round(n, digits) {
  if (!Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Resident set size of a live process in MB (Linux /proc); undefined elsewhere or if gone. */
export function rssMb(pid) {
  if (!pid) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The private part of a live process's RSS in MB (RssAnon: its heap and stacks, not the shared pages of its binary). */
export function rssAnonMb(pid) {
  if (!pid) return undefined;
  try {
    const m = /^RssAnon:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects with `what` if `promise` does not settle within `ms`. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Keeps the last `max` characters written to a stream (for error messages). */
export function tail(stream, max = 4000) {
  let text = '';
  stream?.on('data', (d) => {
    text = (text + d).slice(-max);
  });
  return () => text;
}

/** Resolves when a child process has exited (at once if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

let clockTicks;
/** CPU time (user + system) a live process has used so far, in ms (Linux /proc); undefined elsewhere. */
export function cpuMs(pid) {
  if (!pid) return undefined;
  try {
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= 100; // USER_HZ is 100 on every Linux that Node supports
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}

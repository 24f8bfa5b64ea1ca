// The soak and throughput part of `npm run bench` (called by bench/run.mjs with its sessions).
//
// Soak: CONCURRENCY connector sessions call `echo` in a loop through one proxy for
// BENCH_SOAK_SECONDS (default 120; the 10-minute figure is BENCH_SOAK_SECONDS=600), or
// until BENCH_SOAK_MAX_REQUESTS answers (default 5,000,000: the count is bounded either way).
// The proxy's RSS is read after a warm-up and at the end, each time after a short pause in the
// traffic: `soak_rss_growth_mb` is end minus warm.
//
// Throughput: right after the soak, the same CONCURRENCY sessions through the proxy and then
// CONCURRENCY direct SDK sessions each run for the same window; `throughput_rps_vs_direct` is
// requests per second through connector + proxy ÷ requests per second direct to the server.
import { performance } from 'node:perf_hooks';
import { rssMb, round, sleep } from './lib.mjs';

const int = (v, d) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);

export const SOAK_CONFIG = {
  soakSeconds: int(process.env.BENCH_SOAK_SECONDS, 120),
  soakMaxRequests: int(process.env.BENCH_SOAK_MAX_REQUESTS, 5_000_000),
  soakConcurrency: int(process.env.BENCH_SOAK_CONCURRENCY, 8),
  throughputSeconds: int(process.env.BENCH_THROUGHPUT_SECONDS, 10),
};

/** Every session calls `echo` back to back until `until()` says stop; resolves with the answer count. */
async function drive(sessions, echo, until) {
  let count = 0;
  await Promise.all(
    sessions.map(async (s) => {
      while (!until(count)) {
        await echo(s);
        count++;
      }
    }),
  );
  return count;
}

/** Requests per second of `sessions` over `seconds`. */
async function rate(sessions, echo, seconds) {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const n = await drive(sessions, echo, () => performance.now() >= end);
  return n / ((performance.now() - t0) / 1000);
}

/** RSS after the traffic has paused a moment (median of three reads). */
async function quietRss(pid) {
  await sleep(1000);
  const reads = [];
  for (let i = 0; i < 3; i++) {
    const v = rssMb(pid);
    if (v !== undefined) reads.push(v);
    await sleep(100);
  }
  reads.sort((a, b) => a - b);
  return reads.length ? reads[Math.floor(reads.length / 2)] : NaN;
}

/**
 * @param {{ openSession(kind: string): Promise<any>, echo(session: any): Promise<void>, proxyPid: number, log(msg: string): void }} ctx
 * @returns {Promise<Record<string, number | null>>} figures to merge into the bench results
 */
export async function runSoak({ openSession, echo, proxyPid, log }) {
  const { soakSeconds, soakMaxRequests, soakConcurrency: c, throughputSeconds } = SOAK_CONFIG;
  // The proxy's heap grows to its working size during the first minute of full load (SDK
  // transports, socket buffers, V8 old space; how fast depends on what ran before and on the
  // machine's load), then stays flat; a leak keeps growing at the rate of the traffic. So the
  // growth is measured over the second half of the soak, and the first reading (after 5 s) is
  // reported as well.
  const warmSeconds = Math.round(soakSeconds / 2);
  log(`soak: ${c} sessions through the proxy for ${soakSeconds} s (at most ${soakMaxRequests} requests), RSS at ${warmSeconds} s (midpoint) vs end`);
  const sb = await Promise.all(Array.from({ length: c }, () => openSession('switchboard')));
  try {
    await rate(sb, echo, Math.min(5, warmSeconds));
    const rssStart = await quietRss(proxyPid);
    await rate(sb, echo, Math.max(0, warmSeconds - 5));
    const rssWarm = await quietRss(proxyPid);
    const t0 = performance.now();
    const end = t0 + Math.max(1, soakSeconds - warmSeconds) * 1000;
    let lastReport = t0;
    const requests = await drive(sb, echo, (n) => {
      const now = performance.now();
      if (now - lastReport > 30_000) {
        lastReport = now;
        log(`soak: ${n} requests, proxy RSS ${round(rssMb(proxyPid), 1)} MB`);
      }
      return now >= end || n >= soakMaxRequests;
    });
    const soakRps = requests / ((performance.now() - t0) / 1000);
    const rssEnd = await quietRss(proxyPid);

    log(`throughput: ${c} concurrent sessions, ${throughputSeconds} s through the proxy, then ${throughputSeconds} s direct`);
    const rpsSwitchboard = await rate(sb, echo, throughputSeconds);
    const direct = await Promise.all(Array.from({ length: c }, () => openSession('direct')));
    let rpsDirect;
    try {
      await rate(direct, echo, 1); // warm the direct sessions too
      rpsDirect = await rate(direct, echo, throughputSeconds);
    } finally {
      await Promise.all(direct.map((s) => s.close()));
    }
    return {
      soak_requests: requests,
      soak_rps: round(soakRps, 1),
      soak_proxy_rss_mb_start: round(rssStart, 1),
      soak_proxy_rss_mb_warm: round(rssWarm, 1),
      soak_proxy_rss_mb_end: round(rssEnd, 1),
      throughput_rps_switchboard: round(rpsSwitchboard, 1),
      throughput_rps_direct: round(rpsDirect, 1),
      soak_rss_growth_mb: round(rssEnd - rssWarm, 1),
      throughput_rps_vs_direct: round(rpsSwitchboard / rpsDirect, 2),
    };
  } finally {
    await Promise.all(sb.map((s) => s.close()));
  }
}

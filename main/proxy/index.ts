/**
 * Entry of the proxy child process (one per remote server). Started by the supervisor with fork():
 * under Electron's own runtime (ELECTRON_RUN_AS_NODE) in the app, under plain Node in tests. It
 * receives its configuration and the connector secret over the fork channel only, and exits when
 * the parent goes away.
 */
import * as nodeModule from 'node:module';
import type { ParentToProxy, ProxyToParent } from '../shared/fork-protocol';
import { ProxyRuntime } from './proxy-runtime';

if (!process.send) {
  process.stderr.write('mcp-switchboard proxy: must be started by MCP Switchboard (no IPC channel)\n');
  process.exit(2);
}

// What the proxy creates is its user's alone (its socket is made 0600 as well).
process.umask(0o077);
// V8's compiled code of the upstream code, kept in the data directory between starts (Node 22.1+;
// a runtime without it just compiles again). Turned on here, not by NODE_COMPILE_CACHE, so the
// folders it makes are created under the umask above.
const codeCache = process.env.MCP_SWITCHBOARD_CODE_CACHE;
if (codeCache) {
  try {
    (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(codeCache);
  } catch {
    // no cache: slower first clients, nothing else
  }
}

let runtime: ProxyRuntime | undefined;

/** MCP_SWITCHBOARD_REQUEST_TIMEOUT_MS: how long a request may wait for the server (default 5 minutes). */
function positiveInt(v: string | undefined): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
let exiting = false;

function emit(msg: ProxyToParent, sent?: () => void): void {
  if (process.connected) process.send!(msg, undefined, undefined, () => sent?.());
  else sent?.();
}

async function shutdown(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  const hard = setTimeout(() => process.exit(code), 2500);
  hard.unref();
  try {
    await runtime?.dispose();
  } finally {
    process.exit(code);
  }
}

process.on('message', (raw: unknown) => {
  const msg = raw as ParentToProxy;
  if (msg?.type === 'start' && !runtime) {
    runtime = new ProxyRuntime({
      server: msg.server,
      endpoint: msg.endpoint,
      secret: msg.secret,
      token: msg.token,
      policy: msg.policy,
      warm: msg.warm === true,
      // One server per proxy child: its network configuration may be the process's own.
      processWideNetwork: true,
      emit,
      requestTimeoutMs: positiveInt(process.env.MCP_SWITCHBOARD_REQUEST_TIMEOUT_MS),
    });
    runtime.start().catch((err: Error) => {
      emit({ type: 'fatal', message: `Cannot listen on ${msg.endpoint}: ${err.message}` });
      void shutdown(3);
    });
  } else if (msg?.type === 'token') {
    runtime?.onToken(msg.token, msg.requestId);
  } else if (msg?.type === 'policy') {
    runtime?.onPolicy(msg.policy);
  } else if (msg?.type === 'elicit-answer') {
    runtime?.onElicitAnswer(msg.requestId, msg.answer);
  } else if (msg?.type === 'stop-if-idle') {
    const answer = runtime?.stopIfIdle() ?? { stopping: true, connections: 0 };
    emit({ type: 'idle', ...answer });
    if (answer.stopping) void shutdown(0);
  } else if (msg?.type === 'shutdown') {
    void shutdown(0);
  }
});

// Children die with the parent: the fork channel closes when main exits or is killed.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.on('uncaughtException', (err) => {
  emit({ type: 'fatal', message: `Proxy crashed: ${err.stack ?? err.message}` });
  process.stderr.write(`proxy crashed: ${err.stack ?? err.message}\n`);
  process.exit(70);
});
process.on('unhandledRejection', (err) => {
  emit({
    type: 'log',
    event: { ts: Date.now(), level: 'error', server: runtime ? 'proxy' : '?', message: `Unhandled rejection: ${String((err as Error)?.message ?? err)}` },
  });
});

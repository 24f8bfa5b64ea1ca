#!/usr/bin/env node
// The program the official MCP conformance suite runs as `<command> <server-url>` (test tooling,
// never shipped). It is an ordinary stdio MCP client, like Claude Desktop: it starts the REAL
// product path, `mcp-switchboard connect <url>` (out/cli/index.js), which adds the server to a
// throw-away profile, hosts the core, runs the proxy child, signs in through the headless browser
// (test/fixtures/headless-browser.mjs, which drives the authorization server and then calls the
// app's real loopback callback listener), and relays. Then it does what the scenario asks
// (initialize, tools/list, a tool call, …) and closes stdin, after which `connect` must exit.
//
// Inputs (from the suite): the server URL as the last argument, MCP_CONFORMANCE_SCENARIO,
// MCP_CONFORMANCE_CONTEXT (JSON, for scenarios with data such as pre-registered credentials) and
// MCP_CONFORMANCE_PROTOCOL_VERSION (the wire revision the mock server speaks).
// Exit 0 on success, 1 on any error (the expected outcome of e.g. auth/resource-mismatch).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'out/cli/index.js');
const BROWSER = path.join(ROOT, 'test/fixtures/headless-browser.mjs');
/** The client ID metadata document URL the suite expects in CIMD scenarios. */
const CIMD_URL = 'https://conformance-test.local/client-metadata.json';
/** Revisions with the stateful (initialize) lifecycle; later ones are stateless (SEP-2575). */
const STATEFUL = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);
/** Give up before the suite's own 30 s timeout, so the child and the profile are cleaned up. */
const WATCHDOG_MS = Number(process.env.CONFORMANCE_CLIENT_TIMEOUT_MS ?? 24_000);
/** How long `connect` may take to exit after its stdin closed. */
const EXIT_GRACE_MS = 5_000;

const serverUrl = process.argv[process.argv.length - 1];
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const protocolVersion = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '2025-11-25';
const modern = !STATEFUL.has(protocolVersion);
const context = parseContext();
// Debugging: CONFORMANCE_CLIENT_VERBOSE=1 streams connect's stderr; CONFORMANCE_KEEP_PROFILE=1
// keeps the temp profile (logs, settings) for a look afterwards.
const verbose = !!process.env.CONFORMANCE_CLIENT_VERBOSE;

const log = (...a) => console.error(new Date().toISOString(), '[client-under-test]', ...a);

function parseContext() {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
}

/**
 * The stdio transport, subclassed for two reasons. On the modern (2026-07-28) era the SDK
 * negotiates with a `server/discover` probe; on its own StdioClientTransport class it would run
 * that probe in a second, short-lived copy of the server process, which for `connect` would be a
 * second host of the same profile (with its own sign-in); a subclass probes on this one connection,
 * like any custom stdio transport. And it keeps the child process, which the SDK forgets when a
 * failed connect closes the transport, so this program can see `connect` exit before it removes
 * the profile.
 */
class TrackedStdioTransport extends StdioClientTransport {
  async start() {
    await super.start();
    this.child = this._process;
  }
}

/** Per-scenario behaviour after connect. `c` is the connected client. */
const SCENARIOS = {
  // Basic scenarios: list the tools and call the first one with two numbers (add_numbers).
  initialize: callFirstTool,
  tools_call: async (c) => {
    await c.listTools();
    const r = await c.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3 } });
    expectNoToolError(r, 'add_numbers');
  },
  'elicitation-sep1034-client-defaults': async (c) => {
    const tools = await c.listTools();
    if (!tools.tools.some((t) => t.name === 'test_client_elicitation_defaults')) throw new Error('test_client_elicitation_defaults is not offered');
    await c.callTool({ name: 'test_client_elicitation_defaults', arguments: {} });
  },
  'sse-retry': async (c) => {
    await c.listTools();
    await c.callTool({ name: 'test_reconnection', arguments: {} });
  },
  'request-metadata': async (c) => {
    await c.listTools();
  },
  'json-schema-ref-no-deref': async (c) => {
    // The mock serves only tools/list; a conformant client lists and never fetches the $ref.
    await c.listTools();
  },
  'json-schema-2020-12-preservation': async (c) => {
    const list = await c.listTools();
    const focal = list.tools.find((t) => t.name === 'json_schema_2020_12_tool');
    if (!focal) throw new Error('json_schema_2020_12_tool is not offered');
    await c.callTool({ name: 'json_schema_echo', arguments: { schema: focal.inputSchema } });
  },
  'sep-2322-client-request-state': async (c) => {
    await c.listTools();
    // The SDK fulfils input_required results (elicitation below) and retries with requestState.
    await c.callTool({ name: 'test_mrtr_echo_state', arguments: {} });
    await c.callTool({ name: 'test_mrtr_unrelated', arguments: {} });
    await c.callTool({ name: 'test_mrtr_no_state', arguments: {} });
    // The mock omits resultType here on purpose (the client must take it as "complete"); the
    // SDK of this test client is stricter and rejects such a result. What is checked is that
    // nothing is retried, which the mock observes; the strictness of this test client is no
    // product failure, so only that exact rejection is tolerated.
    await c.callTool({ name: 'test_mrtr_no_result_type', arguments: {} }).catch((err) => {
      if (!/missing required resultType/.test(err?.message)) throw err;
      log(`test_mrtr_no_result_type: this client's SDK refuses a result without resultType (${err.message})`);
    });
  },
  'http-standard-headers': async (c) => {
    const tools = await c.listTools();
    for (const t of tools.tools) await c.callTool({ name: t.name, arguments: {} });
    const resources = await c.listResources();
    for (const r of resources.resources.slice(0, 1)) await c.readResource({ uri: r.uri });
    const prompts = await c.listPrompts();
    for (const p of prompts.prompts.slice(0, 1)) await c.getPrompt({ name: p.name, arguments: {} });
  },
  'http-custom-headers': async (c) => {
    await c.listTools();
    const calls = context.toolCalls ?? [];
    if (!calls.length) throw new Error('the scenario context names no tool calls');
    for (const call of calls) await c.callTool({ name: call.name, arguments: call.arguments ?? {} });
  },
  'http-invalid-tool-headers': async (c) => {
    // An ordinary client calls what it is offered; invalid tool definitions must not reach it.
    const tools = await c.listTools();
    for (const t of tools.tools) await c.callTool({ name: t.name, arguments: sampleArguments(t.inputSchema) }).catch((e) => log(`${t.name}: ${e.message}`));
  },
};

/** Auth scenarios: list the tools, then call test-tool. */
async function authFlow(c) {
  const tools = await c.listTools();
  if (tools.tools.some((t) => t.name === 'test-tool') || !tools.tools.length) {
    const r = await c.callTool({ name: 'test-tool', arguments: {} });
    expectNoToolError(r, 'test-tool');
  }
}

async function callFirstTool(c) {
  const list = await c.listTools();
  const tool = list.tools[0];
  if (tool) await c.callTool({ name: tool.name, arguments: { a: 2, b: 3 } });
}

function expectNoToolError(result, name) {
  if (result?.isError) throw new Error(`${name} returned an error: ${JSON.stringify(result.content)}`);
}

/** Placeholder arguments that satisfy a tool's required primitive properties. */
function sampleArguments(schema) {
  const out = {};
  for (const key of schema?.required ?? []) {
    const type = schema.properties?.[key]?.type;
    out[key] =
      type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'object' ? {} : type === 'array' ? [] : type === 'null' ? null : 'x';
  }
  return out;
}

function handlerFor(name) {
  if (SCENARIOS[name]) return SCENARIOS[name];
  if (name.startsWith('auth/')) return authFlow;
  return callFirstTool;
}

async function main() {
  if (!/^https?:\/\//.test(serverUrl ?? '')) throw new Error(`usage: client-under-test.mjs <server-url> (got ${serverUrl})`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `sb-conformance-${scenario.replace(/[^\w-]+/g, '_')}-`));
  const dataDir = path.join(home, 'data');
  // The scenarios test the protocol and sign-in through `connect`, not the review of a new server's
  // tools (Settings "review", the default, withholds its first listing until the user approves).
  fs.mkdirSync(dataDir, { mode: 0o700 });
  fs.writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ app: { newServerTools: 'trust' } }), { mode: 0o600 });
  const args = [CLI, 'connect', serverUrl];
  if (context.client_id) args.push('--client-id', context.client_id);
  if (context.client_secret) args.push('--client-secret', context.client_secret);
  const secrets = {};
  // Extension scenarios (SEP-1046, SEP-990): sign-in without a user at a browser.
  if (scenario.startsWith('auth/client-credentials')) args.push('--sign-in', 'client-credentials');
  if (context.private_key_pem) {
    // The key goes to a file of the profile (0600), as a user would keep it; connect reads it.
    const keyFile = path.join(home, 'client-key.pem');
    fs.writeFileSync(keyFile, context.private_key_pem, { mode: 0o600 });
    args.push('--private-key-file', keyFile);
    if (context.signing_algorithm) args.push('--signing-alg', context.signing_algorithm);
  }
  if (context.idp_issuer) {
    // The company's identity provider, and the ID token the user got there (from connect's env).
    args.push('--sign-in', 'enterprise', '--idp-issuer', context.idp_issuer, '--idp-client-id', context.idp_client_id);
    args.push('--idp-id-token', '${IDP_ID_TOKEN}');
    secrets.IDP_ID_TOKEN = context.idp_id_token;
  }
  const env = {
    ...secrets,
    PATH: process.env.PATH ?? '',
    HOME: home,
    TMPDIR: os.tmpdir(),
    MCP_SWITCHBOARD_HOME: dataDir,
    MCP_SWITCHBOARD_BROWSER: JSON.stringify([process.execPath, BROWSER]),
  };
  if (scenario.startsWith('auth/')) env.MCP_SWITCHBOARD_CLIENT_METADATA_URL = CIMD_URL;

  const transport = new TrackedStdioTransport({ command: process.execPath, args, env, stderr: 'pipe', cwd: home });
  let stderr = '';
  transport.stderr?.on('data', (d) => {
    stderr += d;
    if (verbose) process.stderr.write(d);
  });

  const client = new Client(
    { name: 'switchboard-conformance-client', version: '1.0.0' },
    {
      capabilities: { elicitation: { form: { applyDefaults: true } } },
      ...(modern ? { versionNegotiation: { mode: { pin: protocolVersion } } } : {}),
    },
  );
  // Elicitation (sep1034 defaults, MRTR input requests): accept with empty content; the SDK fills
  // in the schema's defaults because applyDefaults is declared.
  client.setRequestHandler('elicitation/create', async (request) => {
    log(`elicitation: ${request.params?.message ?? ''}`);
    const props = request.params?.requestedSchema?.properties ?? {};
    const content = {};
    if (scenario === 'sep-2322-client-request-state') for (const [k, p] of Object.entries(props)) if (p.type === 'boolean') content[k] = true;
    return { action: 'accept', content };
  });

  let failed;
  const watchdog = setTimeout(() => {
    log(`no result after ${WATCHDOG_MS} ms; giving up`);
    void finish(new Error('timed out'));
  }, WATCHDOG_MS);

  let finished = false;
  async function finish(err) {
    if (finished) return;
    finished = true;
    clearTimeout(watchdog);
    failed = err;
    // Close like a client does: end stdin, and expect `connect` to exit by itself.
    const proc = transport.child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', () => r(true)));
      if (verbose) log('closing stdin');
      try {
        proc.stdin?.end();
      } catch {}
      const byItself = await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), EXIT_GRACE_MS))]);
      if (!byItself) {
        log(`connect (pid ${proc.pid}) still running ${EXIT_GRACE_MS} ms after stdin closed; killing it`);
        failed ??= new Error('connect did not exit after stdin closed');
        proc.kill('SIGKILL');
        await exited;
      } else if (proc.exitCode !== 0 && !failed) {
        log(`connect exited with code ${proc.exitCode}`);
      }
    }
    try {
      await Promise.race([client.close(), new Promise((r) => setTimeout(r, 5000))]);
    } catch (e) {
      log(`close: ${e.message}`);
    }
    if (process.env.CONFORMANCE_KEEP_PROFILE) log(`profile kept in ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
    if (failed) {
      log(`FAILED: ${failed.stack ?? failed}`);
      if (!verbose && stderr) process.stderr.write(`--- connect stderr ---\n${stderr}`);
      process.exit(1);
    }
    process.exit(0);
  }

  try {
    log(`scenario ${scenario} at ${protocolVersion}${modern ? ' (stateless era)' : ''}: ${serverUrl}`);
    await client.connect(transport);
    await handlerFor(scenario)(client);
    await finish(undefined);
  } catch (err) {
    await finish(err);
  }
}

main().catch((err) => {
  log(`FAILED: ${err.stack ?? err}`);
  process.exit(1);
});

/** Deterministic data for the FAKE bridge (fake-switchboard.ts): six servers, one per kind of state. */
import type { ClientApp, ImportCandidateView, LogEvent, ServerStatus, ServerSummary, ToolInfo } from '../../common/contract';
import type { FakeSeed } from './fake-switchboard';

export const NOW = Date.UTC(2026, 2, 3, 14, 30, 0);
const MIN = 60_000;

function status(serverId: string, state: ServerStatus['state'], extra: Partial<ServerStatus> = {}): ServerStatus {
  return {
    serverId,
    state,
    since: NOW - 3 * MIN,
    restarts: 0,
    counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
    ...extra,
  };
}

export const SERVERS: ServerSummary[] = [
  {
    id: 'linear',
    signIn: 'signed-in',
    name: 'Linear',
    url: 'https://mcp.linear.app/mcp',
    enabled: true,
    headerNames: [],
    tokenExpiresAt: NOW + 42 * MIN,
    renewsAutomatically: true,
    account: 'ada@acme.dev',
    status: status('linear', 'ready', {
      since: NOW - 42 * MIN,
      transport: 'streamable-http',
      pid: 48211,
      counters: { connections: 2, connectionsTotal: 5, requests: 1284, errors: 3 },
    }),
  },
  {
    id: 'notion',
    signIn: 'needs-sign-in',
    name: 'Notion',
    url: 'https://mcp.notion.com/mcp',
    enabled: true,
    headerNames: [],
    status: status('notion', 'needs-sign-in', { detail: 'The server requires sign-in before clients can use it' }),
  },
  {
    id: 'sentry',
    signIn: 'signed-in',
    name: 'Sentry',
    url: 'https://mcp.sentry.dev/mcp',
    enabled: true,
    headerNames: ['X-Org'],
    tokenExpiresAt: NOW + 5 * 60 * MIN,
    renewsAutomatically: true,
    status: status('sentry', 'retrying', {
      detail: 'Upstream answered 502 Bad Gateway',
      lastError: 'HTTP 502 Bad Gateway from https://mcp.sentry.dev/mcp',
      nextRetryAt: NOW + 12_000,
      restarts: 3,
      counters: { connections: 1, connectionsTotal: 2, requests: 96, errors: 7 },
    }),
  },
  {
    id: 'broken',
    signIn: 'none',
    name: 'Internal tools',
    url: 'https://tools.internal.example.com/mcp',
    enabled: true,
    headerNames: ['Authorization'],
    status: status('broken', 'error', {
      since: NOW - 8 * MIN,
      detail: 'Stopped after 5 crashes in 60 s; fix the cause, then restart',
      lastError: 'connect ECONNREFUSED 10.0.4.12:443',
      restarts: 5,
      counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 5 },
    }),
  },
  {
    id: 'docs',
    signIn: 'none',
    name: 'Cloudflare Docs',
    url: 'https://docs.mcp.cloudflare.com/mcp',
    enabled: true,
    headerNames: [],
    status: status('docs', 'connecting', { since: NOW - 2_000, detail: 'Trying Streamable HTTP' }),
  },
  {
    id: 'github',
    signIn: 'none',
    name: 'GitHub',
    url: 'https://api.githubcopilot.com/mcp/',
    enabled: false,
    headerNames: ['Authorization'],
    status: status('github', 'stopped', { since: NOW - 2 * 24 * 60 * MIN }),
  },
];

const s = 1000;
export const LOGS: LogEvent[] = [
  { ts: NOW - 26 * 60 * MIN, level: 'info', server: 'linear', message: 'Proxy started' },
  { ts: NOW - 26 * 60 * MIN + 310, level: 'info', server: 'linear', message: 'Upstream ready: Streamable HTTP, protocol 2025-11-25' },
  { ts: NOW - 42 * MIN, level: 'info', server: 'linear', message: 'Signed in to Linear', topic: 'sign-in' },
  { ts: NOW - 40 * MIN, level: 'info', server: 'linear', connection: 1, client: 'Claude Desktop', message: 'Client connected (Claude Desktop, pid 32495)' },
  {
    ts: NOW - 40 * MIN + 95,
    level: 'debug',
    server: 'linear',
    connection: 1,
    client: 'Claude Desktop',
    message: '→ initialize',
    method: 'initialize',
    id: 0,
    direction: 'client-to-server',
    size: 312,
  },
  {
    ts: NOW - 40 * MIN + 402,
    level: 'info',
    server: 'linear',
    connection: 1,
    client: 'Claude Desktop',
    message: 'initialize ok',
    method: 'initialize',
    id: 0,
    direction: 'server-to-client',
    durationMs: 307,
    size: 1180,
  },
  {
    ts: NOW - 39 * MIN,
    level: 'info',
    server: 'linear',
    connection: 1,
    client: 'Claude Desktop',
    message: 'tools/list ok',
    method: 'tools/list',
    id: 1,
    direction: 'server-to-client',
    durationMs: 84,
    size: 22_416,
  },
  {
    ts: NOW - 20 * MIN,
    level: 'info',
    server: 'linear',
    connection: 3,
    client: 'Switchboard',
    own: true,
    message: 'Switchboard connected to list the tools (the app itself, not a client)',
  },
  {
    ts: NOW - 12 * MIN,
    level: 'debug',
    server: 'linear',
    connection: 2,
    client: 'Cursor',
    message: '→ tools/call',
    method: 'tools/call',
    id: 7,
    direction: 'client-to-server',
    size: 188,
  },
  {
    ts: NOW - 12 * MIN + 2410,
    level: 'warn',
    server: 'linear',
    connection: 2,
    client: 'Cursor',
    message: 'tools/call failed: Upstream answered 504 Gateway Timeout',
    method: 'tools/call',
    id: 7,
    direction: 'server-to-client',
    durationMs: 2410,
    size: 96,
  },
  {
    ts: NOW - 30 * s,
    level: 'info',
    server: 'linear',
    connection: 2,
    client: 'Cursor',
    message: 'tools/call ok',
    method: 'tools/call',
    id: 9,
    direction: 'server-to-client',
    durationMs: 148,
    size: 4_212,
  },
  { ts: NOW - 8 * MIN, level: 'error', server: 'broken', message: 'connect ECONNREFUSED 10.0.4.12:443' },
  { ts: NOW - 20 * s, level: 'warn', server: 'sentry', message: 'Upstream answered 502 Bad Gateway; retrying in 12 s' },
];

export const CLIENTS: ClientApp[] = [
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    present: true,
    restartHint: 'Quit and reopen Claude Desktop.',
    removeHint: 'Claude Desktop drops it the next time it starts.',
    configPath: '/home/ada/.config/Claude/claude_desktop_config.json',
  },
  {
    id: 'cursor',
    name: 'Cursor',
    present: true,
    restartHint: 'Cursor picks up the change by itself.',
    removeHint: 'Cursor drops it by itself.',
    configPath: '/home/ada/.cursor/mcp.json',
  },
  {
    id: 'vscode',
    name: 'VS Code',
    present: true,
    restartHint: 'Run "MCP: List Servers" and start it.',
    removeHint: 'VS Code drops it when it reloads its MCP configuration.',
    configPath: '/home/ada/.config/Code/User/mcp.json',
  },
  {
    id: 'windsurf',
    name: 'Windsurf',
    present: false,
    restartHint: "Press refresh in Windsurf's MCP panel.",
    configPath: '/home/ada/.codeium/windsurf/mcp_config.json',
  },
  { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
];

export const TOOLS: Record<string, ToolInfo[]> = {
  linear: [
    { name: 'list_issues', title: 'List issues', description: 'List issues in the workspace, filtered by team, assignee, state or label.' },
    { name: 'create_issue', title: 'Create issue', description: 'Create a new issue with a title, description, team and optional assignee.' },
    { name: 'update_issue', title: 'Update issue', description: 'Change the state, assignee, priority or labels of an issue.' },
    { name: 'search_documentation', description: "Search Linear's documentation." },
  ],
};

/** A URL whose probe says: Streamable HTTP, sign-in at auth.acme.dev, named by the server. */
export const ACME_URL = 'https://mcp.acme.dev/mcp';

export const IMPORTS: ImportCandidateView[] = [
  {
    clientId: 'claude-desktop',
    clientName: 'Claude Desktop',
    file: '/home/ada/.config/Claude/claude_desktop_config.json',
    entryName: 'atlassian',
    url: 'https://mcp.atlassian.com/v1/sse',
    headerNames: [],
  },
  {
    clientId: 'cursor',
    clientName: 'Cursor',
    file: '/home/ada/.cursor/mcp.json',
    entryName: 'stripe',
    url: 'https://mcp.stripe.com',
    headerNames: ['Authorization'],
  },
];

export function seed(overrides: Partial<FakeSeed> = {}): FakeSeed {
  return {
    servers: SERVERS,
    logs: LOGS,
    now: NOW,
    clients: CLIENTS,
    installs: ['linear/claude-desktop', 'linear/cursor', 'sentry/claude-desktop', 'notion/vscode'],
    tools: TOOLS,
    imports: IMPORTS,
    probes: {
      [ACME_URL]: {
        signIn: 'needed',
        authorizationServer: 'https://auth.acme.dev',
        serverName: 'Acme Projects',
        serverVersion: '2.3.1',
        protocolVersion: '2025-11-25',
        suggestedName: 'Acme Projects',
      },
    },
    ...overrides,
  };
}

/** Recognises `npx … mcp-remote <url> [--header "N: v"]…` entries (any launcher shape). */
import type { Launch } from './client-table';

const MCP_REMOTE = /(^|[\\/])mcp-remote(@[^\s/\\]*)?$|mcp-remote[\\/]dist[\\/]proxy\.js$/;

export function parseMcpRemote(l: Launch): { url: string; headers: Record<string, string> } | undefined {
  let tokens = [l.command, ...l.args];
  if (/^cmd(\.exe)?$/i.test(tokens[0] ?? '') && /^\/c$/i.test(tokens[1] ?? '')) tokens = tokens.slice(2);
  const i = tokens.findIndex((t) => MCP_REMOTE.test(t));
  if (i === -1) return undefined;
  const rest = tokens.slice(i + 1);
  const url = rest.find((t) => /^https?:\/\//i.test(t));
  if (!url) return undefined;
  const headers: Record<string, string> = {};
  for (let k = 0; k < rest.length - 1; k++) {
    if (rest[k] !== '--header') continue;
    const h = rest[k + 1].replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, v: string) => l.env[v] ?? m);
    const c = h.indexOf(':');
    if (c > 0) headers[h.slice(0, c).trim()] = h.slice(c + 1).trim();
  }
  return { url, headers };
}

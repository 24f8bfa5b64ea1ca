/**
 * Which MCP client a connector belongs to. The connector's hello names its parent process ("pid
 * 4711": the MCP client that started it); the process's command line says which client that is.
 * Best effort: a client this table does not know keeps its process name ("node (pid 4711)").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Command-line patterns of the clients, most specific first (Cline runs inside VS Code and shows as VS Code). */
const PATTERNS: Array<[RegExp, string]> = [
  [/claude-code|@anthropic-ai[\\/]claude-code|(^|[\\/\s])claude(\s|$)/, 'Claude Code'],
  [/Claude\.app|Claude\.exe|AnthropicClaude|[\\/]claude-desktop|Claude Helper|[\\/]Claude(\s|$)/i, 'Claude Desktop'],
  [/Cursor/i, 'Cursor'],
  [/Windsurf/i, 'Windsurf'],
  [/Code - Insiders|Visual Studio Code|Code Helper|Code\.exe|[\\/]code(-insiders)?(\s|$)|[\\/]vscode/i, 'VS Code'],
  [/[\\/]zed(\s|$)|Zed\.app|zed-editor/i, 'Zed'],
  [/[\\/]codex(\s|$)|Codex\.app|@openai[\\/]codex/i, 'Codex'],
  [/gemini-cli|[\\/]gemini(\s|$)/i, 'Gemini CLI'],
  [/LM Studio|lm-studio/i, 'LM Studio'],
  [/[\\/]goose(d)?(\s|$)|Goose\.app/i, 'Goose'],
  [/[\\/]opencode(\s|$)/i, 'opencode'],
  [/Kiro/i, 'Kiro'],
];

/** The client a process's command line belongs to, if it is one this table knows. */
export function clientOfCommandLine(commandLine: string): string | undefined {
  for (const [pattern, name] of PATTERNS) if (pattern.test(commandLine)) return name;
  return undefined;
}

/** A process's command line and short name (Linux: /proc; macOS: ps); undefined elsewhere or when gone. */
export function readProcess(pid: number, platform: NodeJS.Platform = process.platform): { commandLine: string; name: string } | undefined {
  try {
    if (platform === 'linux') {
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      const name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      return { commandLine, name };
    }
    if (platform === 'darwin') {
      const commandLine = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000 }).trim();
      if (!commandLine) return undefined;
      const name = commandLine.split(/\s+/)[0]!.split('/').pop() ?? commandLine;
      return { commandLine, name };
    }
  } catch {
    // gone, or not ours to read
  }
  return undefined;
}

/** "Claude Desktop" for "pid 4711" when that process is Claude Desktop; "node (pid 4711)" when unknown. */
export function clientNameForTag(tag: string, read: (pid: number) => { commandLine: string; name: string } | undefined = readProcess): string | undefined {
  const m = /^pid (\d{1,10})$/.exec(tag);
  if (!m) return undefined;
  const proc = read(Number(m[1]));
  if (!proc) return undefined;
  return clientOfCommandLine(proc.commandLine) ?? `${proc.name.slice(0, 40)} (${tag})`;
}

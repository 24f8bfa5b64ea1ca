// Which MCP client started a connector, from its parent's command line (pure; the process lookup is
// stubbed with command lines as the clients really run on macOS, Linux and Windows).
import { describe, expect, it } from 'vitest';
import { clientNameForTag, clientOfCommandLine, readProcess } from './client-process';

describe('clientOfCommandLine', () => {
  it.each([
    ['/Applications/Claude.app/Contents/MacOS/Claude', 'Claude Desktop'],
    ['/Applications/Claude.app/Contents/Frameworks/Claude Helper.app/Contents/MacOS/Claude Helper --type=utility', 'Claude Desktop'],
    ['C:\\Users\\ann\\AppData\\Local\\AnthropicClaude\\app-0.10.0\\Claude.exe', 'Claude Desktop'],
    ['node /usr/local/lib/node_modules/@anthropic-ai/claude-code/cli.js', 'Claude Code'],
    ['/home/ann/.local/bin/claude', 'Claude Code'],
    ['/Applications/Cursor.app/Contents/Frameworks/Cursor Helper (Plugin).app/Contents/MacOS/Cursor Helper (Plugin)', 'Cursor'],
    ['/usr/share/code/code --type=utility', 'VS Code'],
    ['/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)', 'VS Code'],
    ['/Applications/Windsurf.app/Contents/MacOS/Electron', 'Windsurf'],
    ['/usr/bin/zed', 'Zed'],
    ['/opt/homebrew/bin/codex', 'Codex'],
    ['node /usr/lib/node_modules/@google/gemini-cli/dist/index.js', 'Gemini CLI'],
  ])('%s → %s', (commandLine, name) => {
    expect(clientOfCommandLine(commandLine)).toBe(name);
  });

  it('an unknown program is not guessed', () => {
    expect(clientOfCommandLine('/usr/bin/node /tmp/story-client.js')).toBeUndefined();
  });
});

describe('clientNameForTag', () => {
  it('a known client by name; an unknown process by its name and pid; anything else undefined', () => {
    expect(clientNameForTag('pid 42', () => ({ commandLine: '/usr/share/cursor/cursor --type=utility', name: 'cursor' }))).toBe('Cursor');
    expect(clientNameForTag('pid 42', () => ({ commandLine: '/usr/bin/node x.js', name: 'node' }))).toBe('node (pid 42)');
    expect(clientNameForTag('pid 42', () => undefined)).toBeUndefined();
    expect(clientNameForTag('my script', () => ({ commandLine: 'x', name: 'x' }))).toBeUndefined();
  });

  it('reads this very process on Linux (and nothing on an unsupported platform)', () => {
    if (process.platform === 'linux') expect(readProcess(process.pid)?.commandLine).toContain(process.execPath.split('/').pop());
    expect(readProcess(process.pid, 'aix')).toBeUndefined();
  });
});

// The desktop file an AppImage (or an asking checkout) writes so that mcp-switchboard:// links reach
// it: real files in a temp dir; the desktop tools are recorded instead of run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applicationsDir, registerSchemeHandler, schemeHandlerEntry } from './scheme-handler-linux';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-scheme-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('scheme handler (Linux)', () => {
  it('the entry runs the AppImage with the link (%U), hidden from menus, for the scheme only', () => {
    expect(schemeHandlerEntry(['/home/u/My Apps/MCP.AppImage'])).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.5',
        'Name=MCP Switchboard',
        'Exec="/home/u/My Apps/MCP.AppImage" %U',
        'Terminal=false',
        'NoDisplay=true',
        'MimeType=x-scheme-handler/mcp-switchboard;',
        'X-MCP-Switchboard=true',
        '',
      ].join('\n'),
    );
    expect(() => schemeHandlerEntry(['MCP.AppImage'])).toThrow(/absolute path/);
    expect(applicationsDir({ XDG_DATA_HOME: '/x/share' }, '/home/u')).toBe('/x/share/applications');
    expect(applicationsDir({ XDG_DATA_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/share/applications');
  });

  it('writes and registers the file once; an ordinary start runs no desktop tool; a moved AppImage registers again', async () => {
    const ran: string[] = [];
    const run = async (command: string, args: string[]) => void ran.push([command, ...args].join(' '));
    const env = {};
    const first = await registerSchemeHandler({ env, home, fileName: 'mcp-switchboard.desktop', exec: ['/home/u/MCP.AppImage'], run });
    const dir = path.join(home, '.local', 'share', 'applications');
    expect(first).toEqual({ result: 'registered', file: path.join(dir, 'mcp-switchboard.desktop'), problems: [] });
    expect(ran).toEqual([`update-desktop-database ${dir}`, 'xdg-mime default mcp-switchboard.desktop x-scheme-handler/mcp-switchboard']);
    expect(await registerSchemeHandler({ env, home, fileName: 'mcp-switchboard.desktop', exec: ['/home/u/MCP.AppImage'], run })).toMatchObject({
      result: 'unchanged',
    });
    expect(ran).toHaveLength(2);
    const moved = await registerSchemeHandler({ env, home, fileName: 'mcp-switchboard.desktop', exec: ['/home/u/Apps/MCP.AppImage'], run });
    expect(moved.result).toBe('registered');
    expect(fs.readFileSync(moved.file, 'utf8')).toContain('Exec=/home/u/Apps/MCP.AppImage %U\n');
    expect(ran).toHaveLength(4);
  });

  it('a missing desktop tool is reported; the file is written anyway', async () => {
    const run = async (command: string) => {
      throw Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' });
    };
    const r = await registerSchemeHandler({ env: {}, home, fileName: 'mcp-switchboard.desktop', exec: ['/home/u/MCP.AppImage'], run });
    expect(r.problems).toEqual(['update-desktop-database: spawn update-desktop-database ENOENT', 'xdg-mime: spawn xdg-mime ENOENT']);
    expect(fs.existsSync(r.file)).toBe(true);
  });
});

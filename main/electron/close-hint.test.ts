import { describe, expect, it } from 'vitest';
import { closeHintText, firstCloseHint } from './close-hint';

describe('firstCloseHint', () => {
  it('says once, ever, that closing the window does not quit, and where Quit is', () => {
    let stored = false;
    const said: string[] = [];
    const deps = {
      platform: 'linux' as const,
      shownBefore: () => stored,
      remember: () => (stored = true),
      say: (title: string, body: string) => said.push(`${title}: ${body}`),
    };
    const onClose = firstCloseHint(deps);
    onClose();
    onClose();
    expect(said).toEqual([
      'Switchboard is still running: It keeps your servers ready for your MCP clients. Open it again from its tray icon; to stop it, choose Quit in that menu.',
    ]);
    // The next start of the app: remembered.
    firstCloseHint(deps)();
    expect(said).toHaveLength(1);
    expect(closeHintText('darwin').body).toContain('menu bar icon');
  });

  it('an unreadable or unwritable record does not stop the hint', () => {
    const said: string[] = [];
    firstCloseHint({
      platform: 'win32',
      shownBefore: () => {
        throw new Error('EACCES');
      },
      remember: () => {
        throw new Error('EROFS');
      },
      say: (title) => said.push(title),
    })();
    expect(said).toEqual(['Switchboard is still running']);
  });
});

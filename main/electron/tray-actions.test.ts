// What tray entries and notification buttons do, with plain fakes (no Electron): each does what it
// says, Sign out asks first in the window's words, a sign-in with the storage question open goes
// through the window, and failures become notifications.
import { describe, expect, it } from 'vitest';
import type { ViewRequest } from '../../common/contract';
import { FakeSwitchboardCore, fakeServer } from '../core/api/testing/fake-core';
import type { AppNotification } from '../core/notifications';
import { createTrayActionHandler, notificationAction } from './tray-actions';

function setup(opts: { confirm?: boolean; undecided?: boolean } = {}) {
  const core = new FakeSwitchboardCore([
    fakeServer('notion', 'needs-sign-in', { name: 'Notion' }),
    fakeServer('linear', 'ready', { name: 'Linear', signIn: 'signed-in' }),
  ]);
  const views: ViewRequest[] = [];
  const asked: Array<{ title: string; body: string; confirm: string }> = [];
  const notes: AppNotification[] = [];
  const logged: string[] = [];
  const other: string[] = [];
  const act = createTrayActionHandler({
    core,
    openWindow: () => other.push('open'),
    showView: (v) => views.push(v),
    quit: () => other.push('quit'),
    showError: (title) => other.push(`error: ${title}`),
    confirm: async (q) => {
      asked.push(q);
      return opts.confirm ?? true;
    },
    notify: (n) => notes.push(n),
    storageUndecided: () => opts.undecided ?? false,
    logFailure: (serverId, message) => logged.push(`${serverId}: ${message}`),
    refreshTray: () => other.push('refresh'),
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { core, act, views, asked, notes, logged, other, settle };
}

describe('tray actions', () => {
  it('"Add remote server…" opens the add flow and "Show log" that server\'s log, not just the window', () => {
    const { act, views, other } = setup();
    act('add-server');
    act({ serverId: 'linear', do: 'show-logs' });
    act('open');
    expect(views).toEqual([{ view: 'add' }, { view: 'server', serverId: 'linear', tab: 'log' }]);
    expect(other).toEqual(['open']);
  });

  it('"Sign out…" asks first with the window\'s words, and signs out only on yes', async () => {
    const no = setup({ confirm: false });
    no.act({ serverId: 'linear', do: 'reset-sign-in' });
    await no.settle();
    expect(no.asked).toEqual([
      {
        title: 'Sign out of Linear?',
        body: "Switchboard signs you out at Linear and forgets this computer's sign-in. Your MCP clients can't use Linear until you sign in again.",
        confirm: 'Sign out',
      },
    ]);
    expect(no.core.calls.some((c) => c.method === 'resetSignIn')).toBe(false);
    const yes = setup({ confirm: true });
    yes.act({ serverId: 'linear', do: 'reset-sign-in' });
    await yes.settle();
    expect(yes.core.calls.filter((c) => c.method === 'resetSignIn')).toEqual([{ method: 'resetSignIn', args: ['linear'] }]);
  });

  it('signs in, restarts and enables through the core; a sign-in that must first ask about storage goes through the window', async () => {
    const { act, core, views, settle } = setup();
    act({ serverId: 'notion', do: 'sign-in' });
    act({ serverId: 'linear', do: 'restart' });
    act({ serverId: 'linear', do: 'enable' });
    await settle();
    expect(core.calls.filter((c) => c.method !== 'listServers').map((c) => [c.method, ...c.args])).toEqual([
      ['signIn', 'notion'],
      ['restartServer', 'linear'],
      ['setEnabled', 'linear', true],
    ]);
    expect(views).toEqual([]);
    const undecided = setup({ undecided: true });
    undecided.act({ serverId: 'notion', do: 'sign-in' });
    expect(undecided.views).toEqual([{ view: 'server', serverId: 'notion', signIn: true }]);
    expect(undecided.core.calls.some((c) => c.method === 'signIn')).toBe(false);
  });

  it('a failure is a notification about that server (with Show log) and a line in its log', async () => {
    const { act, core, notes, logged, settle } = setup();
    core.restartServer = async () => {
      throw new Error('the proxy did not stop within 5 s');
    };
    act({ serverId: 'linear', do: 'restart' });
    await settle();
    expect(notes).toEqual([
      {
        title: 'Restart of Linear did not work',
        body: 'the proxy did not stop within 5 s',
        options: { serverId: 'linear', actions: [{ label: 'Show log', kind: 'show-log' }] },
      },
    ]);
    expect(logged).toEqual(['linear: Tray: the proxy did not stop within 5 s']);
  });

  it('a failed launch-at-login change is an error dialog and the tray shows the old value again', async () => {
    const { act, core, other, settle } = setup();
    core.failNext = new Error('denied');
    act({ setting: 'launchAtLogin', value: true });
    await settle();
    expect(other).toEqual(['error: Launch at login could not be changed', 'refresh']);
  });

  it('notification buttons do what the tray entries do', () => {
    expect(notificationAction('sign-in', 'notion')).toEqual({ serverId: 'notion', do: 'sign-in' });
    expect(notificationAction('show-log', 'notion')).toEqual({ serverId: 'notion', do: 'show-logs' });
    expect(notificationAction('restart', 'notion')).toEqual({ serverId: 'notion', do: 'restart' });
  });
});

// The words, click target and buttons of the app's notifications (pure).
import { describe, expect, it } from 'vitest';
import { actionFailed, crashLoop, signInNeeded } from './notifications';

const acme = { id: 'acme', name: 'Acme Docs' };

describe('notifications', () => {
  it('"needs sign-in" opens the server and carries Sign in', () => {
    const n = signInNeeded(acme, 'Its sign-in expired and could not be renewed');
    expect(n.title).toBe('Sign in to Acme Docs');
    expect(n.body).toBe('Its sign-in expired and could not be renewed. Your clients cannot use Acme Docs until you sign in again.');
    expect(n.options).toEqual({ serverId: 'acme', actions: [{ label: 'Sign in', kind: 'sign-in' }] });
  });

  it('a crash loop says what happened and what to do, opens the server, and carries Show log', () => {
    const n = crashLoop(acme, 'connect ECONNREFUSED 10.0.4.12:443');
    expect(n.title).toBe('Acme Docs stopped');
    expect(n.body).toBe(
      'It kept crashing: connect ECONNREFUSED 10.0.4.12:443. Switchboard stopped restarting it: open its log to see why, and press Restart once the cause is fixed.',
    );
    expect(n.options).toEqual({ serverId: 'acme', actions: [{ label: 'Show log', kind: 'show-log' }] });
    expect(crashLoop(acme, undefined).body).toMatch(/^It kept crashing: see its log\./);
  });

  it('a failed tray action is a notification about that server', () => {
    expect(actionFailed('Restart', acme, 'the proxy did not stop')).toEqual({
      title: 'Restart did not work',
      body: 'the proxy did not stop',
      options: { serverId: 'acme', actions: [{ label: 'Show log', kind: 'show-log' }] },
    });
    expect(actionFailed('Launch at login', undefined, 'no').options).toEqual({});
  });
});

// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../common/contract';
import { fail, installFakeBridge, NOW, ok, server } from '../test/fake-bridge';
import { ServersView } from './ServersView';

afterEach(cleanup);

const MIN = 60_000;

describe('ServersView', () => {
  const servers = [
    server('linear', { signIn: 'signed-in', tokenExpiresAt: NOW + 42 * MIN }, { counters: { connections: 2, connectionsTotal: 5, requests: 1284, errors: 3 } }),
    server(
      'sentry',
      { signIn: 'signed-in', tokenExpiresAt: NOW - 5 * MIN },
      { state: 'retrying', detail: 'Upstream answered 502 Bad Gateway', nextRetryAt: NOW + 12_000 },
    ),
    server('notion', { signIn: 'needs-sign-in' }, { state: 'needs-sign-in' }),
    server('github', { enabled: false }, { state: 'stopped' }),
  ];

  it('shows each server with its state in words, those that need the user first, and the fix each state needs', () => {
    render(<ServersView servers={servers} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} />);
    const rows = screen.getAllByTestId('server');
    expect(rows.map((r) => within(r).getByTestId('state').textContent)).toEqual(['Retrying', 'Needs sign-in', 'Ready', 'Disabled']);
    const linear = within(rows[2]!);
    expect(linear.getByText('https://mcp.linear.example/mcp')).toBeInTheDocument();
    expect(linear.getByTestId('connections')).toHaveTextContent('2');
    expect(linear.getByTestId('requests')).toHaveTextContent('1,284');
    expect(linear.getByTestId('errors')).toHaveTextContent('3');
    // The app renews the access token itself: no countdown, no alarm.
    expect(linear.getByTestId('sign-in-state')).toHaveTextContent('Signed in · renews automatically');
    expect(linear.queryByTestId('fix')).toBeNull();
    expect(within(rows[0]!).getByTestId('state-detail')).toHaveTextContent('Upstream answered 502 Bad Gateway. Next attempt in 12 s.');
    // Not ready: no counters, the fix instead.
    expect(within(rows[0]!).queryByTestId('requests')).toBeNull();
    expect(rows.map((r) => within(r).queryByTestId('fix')?.textContent ?? '')).toEqual(['Try now', 'Sign in', '', 'Enable']);
    expect(within(rows[1]!).getByTestId('state-detail')).toHaveTextContent('Sign in before clients can use it.');
    expect(within(rows[3]!).getByTestId('state-detail')).toHaveTextContent('Disabled: clients cannot use it until you enable it.');
  });

  it('"Signed in as <account>"; a warning only when the sign-in will end or renewal failed', () => {
    const at = (extra: object) => server('a', { signIn: 'signed-in', ...extra });
    const text = (s: ReturnType<typeof server>) => {
      const { unmount } = render(<ServersView servers={[s]} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} />);
      const el = screen.getByTestId('sign-in-state');
      const out = `${el.textContent}${el.classList.contains('warn-text') ? ' [warn]' : ''}`;
      unmount();
      return out;
    };
    expect(text(at({ account: 'ada@acme.dev', tokenExpiresAt: NOW + 10 * MIN, renewsAutomatically: true }))).toBe(
      'Signed in as ada@acme.dev · renews automatically',
    );
    expect(text(at({ tokenExpiresAt: NOW + 10 * MIN }))).toBe('Signed in · renews automatically');
    expect(text(at({ tokenExpiresAt: NOW + 3 * 60 * MIN, renewsAutomatically: false }))).toBe('Signed in · ends in 3 h, then sign in again [warn]');
    expect(text(at({ tokenExpiresAt: NOW + 30 * 60 * MIN, renewsAutomatically: false }))).toBe('Signed in · ends in 30 h');
    expect(text(at({ tokenExpiresAt: NOW - 5 * MIN, renewsAutomatically: false }))).toBe('Sign-in ended 5 min ago [warn]');
    expect(text(server('a', { signIn: 'error' }))).toBe('Renewing the sign-in failed: sign in again [warn]');
  });

  it('the fixes on the cards do what they say: Try now restarts, Enable enables, Restart · Show log', async () => {
    const user = userEvent.setup();
    const onOpen = vi.fn();
    const onChanged = vi.fn();
    const fake = installFakeBridge({
      'servers:restart': (arg: { serverId: string }) => (arg.serverId === 'broken' ? fail('the proxy did not stop within 5 s') : ok(undefined)),
      'servers:set-enabled': (arg: { serverId: string }) => ok(server(arg.serverId)),
    });
    const broken = server('broken', {}, { state: 'error', detail: 'Stopped after 5 crashes in 60 s' });
    render(
      <ServersView
        servers={[...servers, broken]}
        load={{ kind: 'ready' }}
        now={NOW}
        onOpen={onOpen}
        onChanged={onChanged}
        onAdd={() => {}}
        onRetry={() => {}}
      />,
    );
    const row = (id: string) => within(screen.getAllByTestId('server').find((r) => r.dataset.serverId === id)!);
    await user.click(row('sentry').getByRole('button', { name: 'Try now' }));
    await user.click(row('github').getByRole('button', { name: 'Enable' }));
    await user.click(row('broken').getByRole('button', { name: 'Restart' }));
    expect(await row('broken').findByRole('alert')).toHaveTextContent('the proxy did not stop within 5 s');
    await user.click(row('broken').getByRole('button', { name: 'Show log' }));
    await user.click(row('linear').getByRole('button', { name: '3 errors: show the log' }));
    expect(fake.callsOf('servers:restart')).toEqual([{ serverId: 'sentry' }, { serverId: 'broken' }]);
    expect(fake.callsOf('servers:set-enabled')).toEqual([{ serverId: 'github', enabled: true }]);
    expect(onChanged).toHaveBeenCalledWith(server('github'));
    expect(onOpen.mock.calls).toEqual([
      ['broken', 'log'],
      ['linear', 'log'],
    ]);
  });

  it('Sign in on a card signs in; while the browser is open the card offers Cancel', async () => {
    const user = userEvent.setup();
    let finish!: (r: Result<unknown>) => void;
    const fake = installFakeBridge({
      'auth:sign-in': () => new Promise<Result<unknown>>((r) => (finish = r)),
      'auth:cancel-sign-in': () => {
        finish(fail('Sign-in was cancelled.'));
        return ok(undefined);
      },
    });
    render(<ServersView servers={servers} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} />);
    const notion = within(screen.getAllByTestId('server')[1]!);
    await user.click(notion.getByRole('button', { name: 'Sign in' }));
    expect(await notion.findByText('Finish in your browser…')).toBeInTheDocument();
    await user.click(notion.getByRole('button', { name: 'Cancel' }));
    expect(await notion.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(notion.queryByRole('alert')).toBeNull();
    expect(fake.callsOf('auth:sign-in')).toEqual([{ serverId: 'notion' }]);
    expect(fake.callsOf('auth:cancel-sign-in')).toEqual([{ serverId: 'notion' }]);
  });

  it('shows secrets in a server URL masked, in the text and the tooltip', () => {
    const url = 'https://mcp.keyed.example/u/sk-live-4f9a8b7c6d5e4f3a2b1c/mcp?api-key=K-9f8e7d6c&region=eu';
    const { container } = render(
      <ServersView servers={[server('keyed', { url })]} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} />,
    );
    const shown = screen.getByText('https://mcp.keyed.example/u/•••/mcp?api-key=•••&region=eu');
    expect(shown).toHaveAttribute('title', shown.textContent);
    expect(container.innerHTML).not.toMatch(/K-9f8e7d6c|sk-live-4f9a/);
  });

  it('opens a server from its row, by mouse or keyboard', async () => {
    const onOpen = vi.fn();
    const user = userEvent.setup();
    render(<ServersView servers={servers} load={{ kind: 'ready' }} now={NOW} onOpen={onOpen} onAdd={() => {}} onRetry={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Open Linear' }));
    screen.getByRole('button', { name: 'Open Notion' }).focus();
    await user.keyboard('{Enter}');
    expect(onOpen.mock.calls).toEqual([['linear'], ['notion']]);
  });

  it('offers the add flow when empty (one Add button, not two), and a retry when the list failed', async () => {
    const onAdd = vi.fn();
    const onRetry = vi.fn();
    const user = userEvent.setup();
    installFakeBridge();
    const { rerender } = render(<ServersView servers={[]} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={onAdd} onRetry={onRetry} />);
    await user.click(screen.getByRole('button', { name: 'Add your first server' }));
    expect(onAdd).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('button', { name: /\+ Add server/ })).toBeNull();
    rerender(
      <ServersView servers={[]} load={{ kind: 'failed', error: 'The core is not running' }} now={NOW} onOpen={() => {}} onAdd={onAdd} onRetry={onRetry} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the servers: The core is not running');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('first run starts from the machine: the clients found, the mcp-remote entries with Import all', async () => {
    const user = userEvent.setup();
    const onImported = vi.fn();
    const fake = installFakeBridge({
      'clients:find-imports': () =>
        ok([
          {
            clientId: 'claude-desktop',
            clientName: 'Claude Desktop',
            file: '/c.json',
            entryName: 'atlassian',
            url: 'https://mcp.atlassian.com/v1/sse',
            headerNames: [],
          },
          { clientId: 'cursor', clientName: 'Cursor', file: '/m.json', entryName: 'stripe', url: 'https://mcp.stripe.com', headerNames: ['Authorization'] },
        ]),
      'clients:import': (arg: { entryName: string }) =>
        arg.entryName === 'stripe' ? fail('mcp.json changed meanwhile; try again') : ok(server(arg.entryName)),
    });
    const clients = [
      { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: '' },
      { id: 'cursor', name: 'Cursor', present: true, restartHint: '' },
      { id: 'zed', name: 'Zed', present: false, restartHint: '' },
    ];
    render(
      <ServersView
        servers={[]}
        load={{ kind: 'ready' }}
        now={NOW}
        onOpen={() => {}}
        onAdd={() => {}}
        onRetry={() => {}}
        clients={clients}
        onImported={onImported}
      />,
    );
    expect(screen.getByTestId('found-clients')).toHaveTextContent('MCP clients on this computer: Claude Desktop, Cursor.');
    const found = await screen.findByTestId('first-run-imports');
    expect(found).toHaveTextContent('2 servers you already use through npx mcp-remote');
    await user.click(within(found).getByRole('button', { name: 'Import all' }));
    const done = await screen.findByTestId('first-run-imported');
    expect(done).toHaveTextContent('Imported atlassian (Claude Desktop).');
    expect(done).toHaveTextContent('Could not import stripe (Cursor): mcp.json changed meanwhile; try again');
    expect(fake.callsOf('clients:import')).toHaveLength(2);
    expect(onImported).toHaveBeenCalledTimes(1);
  });

  it('after the last server was removed: "No servers", not "No servers yet"', () => {
    installFakeBridge();
    render(<ServersView servers={[]} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} emptiedByRemoval />);
    expect(screen.getByRole('heading', { name: 'No servers' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add a server' })).toBeInTheDocument();
  });
});

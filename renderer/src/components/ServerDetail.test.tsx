// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientApp, ServerSummary } from '../../../common/contract';
import { deferred, fail, installFakeBridge, NOW, ok, server } from '../test/fake-bridge';
import { ServerDetail } from './ServerDetail';

// The log viewer is another component with its own tests; here it only has to be rendered with
// the right props, so a stand-in records them.
vi.mock('./logs/LogViewer', () => ({
  LogViewer: (props: { initialServerId?: string; compact?: boolean }) => (
    <div data-testid="log-viewer" data-server={props.initialServerId} data-compact={String(!!props.compact)} />
  ),
}));

afterEach(cleanup);

const CLIENTS: ClientApp[] = [
  { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: 'Quit and reopen Claude Desktop.' },
  { id: 'cursor', name: 'Cursor', present: true, restartHint: 'Cursor picks up the change by itself.' },
  { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
];

function renderDetail(s: ServerSummary, extra: Partial<Parameters<typeof ServerDetail>[0]> = {}) {
  const props = { server: s, servers: [s], clients: CLIENTS, now: NOW, onBack: vi.fn(), onChanged: vi.fn(), onRemoved: vi.fn(), ...extra };
  return { props, ...render(<ServerDetail {...props} />) };
}

const linear = server(
  'linear',
  { signIn: 'signed-in', tokenExpiresAt: NOW + 42 * 60_000 },
  { transport: 'streamable-http', counters: { connections: 2, connectionsTotal: 5, requests: 10, errors: 0 } },
);

describe('ServerDetail', () => {
  it('shows the state, tools, install rows and the embedded log', async () => {
    const fake = installFakeBridge({
      'servers:tools': () => ok([{ name: 'list_issues', title: 'List issues', description: 'List issues in the workspace.' }, { name: 'search' }]),
      'clients:status': () =>
        ok([
          { serverId: 'linear', clientId: 'claude-desktop', state: 'installed', name: 'linear' },
          { serverId: 'linear', clientId: 'cursor', state: 'not-installed' },
        ]),
    });
    renderDetail(linear);
    expect(screen.getByRole('heading', { name: 'Linear', level: 2 })).toBeInTheDocument();
    expect(screen.getByTestId('state-detail')).toHaveTextContent('Working. Clients on this computer can use it.');
    expect(screen.getByTestId('connections')).toHaveTextContent('2 now · 5 total');
    expect(screen.getByTestId('sign-in-state')).toHaveTextContent('Expires in 42 min');
    expect(screen.getByTestId('transport')).toHaveTextContent('Streamable HTTP');
    const tools = await screen.findAllByTestId('tool');
    expect(tools.map((t) => t.textContent)).toEqual(['List issueslist_issuesList issues in the workspace.', 'search']);
    const rows = await screen.findAllByTestId('install-row');
    expect(rows.map((r) => r.dataset.clientId)).toEqual(['claude-desktop', 'cursor']);
    await waitFor(() => expect(within(rows[0]!).getByTestId('install-state')).toHaveTextContent('Installed as "linear"'));
    expect(within(rows[0]!).getByText('Quit and reopen Claude Desktop.')).toBeInTheDocument();
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-server', 'linear');
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-compact', 'true');
    expect(fake.callsOf('servers:tools')).toEqual([{ serverId: 'linear' }]);
  });

  it('shows the last error only while it can matter: not once ready, not when the state sentence says it', () => {
    installFakeBridge({ 'servers:tools': () => ok([]), 'clients:status': () => ok([]) });
    const readyAfter401 = { ...linear, status: { ...linear.status, lastError: 'Upstream answered 401 Unauthorized' } };
    const { rerender, props } = renderDetail(readyAfter401);
    expect(screen.queryByTestId('last-error')).toBeNull();

    const retrying = {
      ...linear,
      status: { ...linear.status, state: 'retrying' as const, detail: 'Retrying in 5 s', lastError: 'Upstream answered 502 Bad Gateway' },
    };
    rerender(<ServerDetail {...props} server={retrying} />);
    expect(screen.getByTestId('last-error')).toHaveTextContent('Upstream answered 502 Bad Gateway');

    const signedOut = {
      ...linear,
      signIn: 'needs-sign-in' as const,
      status: { ...linear.status, state: 'needs-sign-in' as const, detail: 'Signed out of Linear', lastError: 'Signed out of Linear' },
    };
    rerender(<ServerDetail {...props} server={signedOut} />);
    expect(screen.queryByTestId('last-error')).toBeNull();
  });

  it('shows loading, then the error, when the tools cannot be listed; not-ready servers are not asked', async () => {
    const answer = deferred<ReturnType<typeof fail>>();
    const fake = installFakeBridge({ 'servers:tools': () => answer.promise });
    const { rerender, props } = renderDetail(linear);
    expect(await screen.findByText('Loading tools…')).toBeInTheDocument();
    answer.resolve(fail('Upstream answered 502 Bad Gateway'));
    expect(await within(screen.getByTestId('tools')).findByRole('alert')).toHaveTextContent('Could not list the tools: Upstream answered 502 Bad Gateway');

    const down = { ...linear, status: { ...linear.status, state: 'retrying' as const } };
    rerender(<ServerDetail {...props} server={down} />);
    expect(screen.getByTestId('tools')).toHaveTextContent('The tools are listed once the server is ready.');
    expect(fake.callsOf('servers:tools')).toHaveLength(1);
  });

  it('remove: a dialog names the clients, Escape cancels, confirming removes and reports', async () => {
    const user = userEvent.setup();
    const result = {
      uninstalled: [
        { clientId: 'cursor', serverId: 'linear', name: 'linear', file: '/c.json', changed: true, restartHint: 'Cursor picks up the change by itself.' },
      ],
      failed: [],
    };
    const fake = installFakeBridge({
      'clients:status': () => ok([{ serverId: 'linear', clientId: 'cursor', state: 'installed', name: 'linear' }]),
      'servers:remove': () => ok(result),
    });
    const { props } = renderDetail(linear);
    const removeButton = screen.getByRole('button', { name: 'Remove server' });
    await user.click(removeButton);
    const dialog = screen.getByRole('dialog', { name: 'Remove Linear?' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(within(dialog).getByText(/also removed from the MCP clients where it is installed/)).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByTestId('remove-where')).toHaveTextContent('Installed in: Cursor.'));
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(removeButton).toHaveFocus();
    expect(fake.callsOf('servers:remove')).toEqual([]);

    await user.click(removeButton);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove server' }));
    await waitFor(() => expect(props.onRemoved).toHaveBeenCalledWith(linear, result));
    expect(fake.callsOf('servers:remove')).toEqual([{ serverId: 'linear' }]);
  });

  it('remove: a refusal stays in the dialog and nothing is reported as removed', async () => {
    const user = userEvent.setup();
    installFakeBridge({ 'servers:remove': () => fail('The settings file is locked by another process') });
    const { props } = renderDetail(linear);
    await user.click(screen.getByRole('button', { name: 'Remove server' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Remove server' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The settings file is locked by another process');
    expect(props.onRemoved).not.toHaveBeenCalled();
  });

  it('reset sign-in: confirmed in a dialog, then the engine resets', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({ 'auth:reset': () => ok(undefined) });
    renderDetail(linear);
    await user.click(screen.getByTestId('reset-sign-in'));
    const dialog = screen.getByRole('dialog', { name: 'Reset sign-in for Linear?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('auth:reset')).toEqual([]);
    await user.click(screen.getByTestId('reset-sign-in'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Reset sign-in' }));
    expect(await screen.findByText(/Signed out of Linear/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fake.callsOf('auth:reset')).toEqual([{ serverId: 'linear' }]);
  });

  it('sign in shows the waiting state, then the error in words', async () => {
    const user = userEvent.setup();
    const answer = deferred<ReturnType<typeof fail>>();
    installFakeBridge({ 'auth:sign-in': () => answer.promise });
    renderDetail(server('notion', { signIn: 'needs-sign-in' }, { state: 'needs-sign-in' }));
    await user.click(screen.getByTestId('sign-in'));
    expect(screen.getByTestId('sign-in')).toHaveTextContent('Waiting for the browser…');
    expect(screen.getByText(/Your browser opened the sign-in page/)).toBeInTheDocument();
    answer.resolve(fail('The sign-in window was closed before it finished'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The sign-in window was closed before it finished');
    expect(screen.getByTestId('sign-in')).toHaveTextContent('Sign in');
  });

  it('restart and enable call the api; a refusal is shown', async () => {
    const user = userEvent.setup();
    const disabled = server('github', { enabled: false }, { state: 'stopped' });
    const fake = installFakeBridge({
      'servers:set-enabled': (arg: { serverId: string; enabled: boolean }) => ok({ ...disabled, enabled: arg.enabled }),
      'servers:restart': () => fail('Could not restart: the proxy did not stop within 5 s'),
    });
    const { props, rerender } = renderDetail(disabled);
    expect(screen.getByRole('button', { name: 'Restart proxy' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(props.onChanged).toHaveBeenCalledWith({ ...disabled, enabled: true }));
    rerender(<ServerDetail {...props} server={{ ...disabled, enabled: true }} />);
    await user.click(screen.getByRole('button', { name: 'Restart proxy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not restart: the proxy did not stop within 5 s');
    expect(fake.callsOf('servers:set-enabled')).toEqual([{ serverId: 'github', enabled: true }]);
  });

  it('shows the protocol spoken and turns the stand-ins off for this server', async () => {
    const user = userEvent.setup();
    const bridged = server('linear', {}, { protocol: { server: '2026-07-28', client: '2025-06-18', bridged: true } });
    const fake = installFakeBridge({ 'servers:set-stand-ins': (arg: { serverId: string; enabled: boolean }) => ok({ ...bridged, standIns: arg.enabled }) });
    const { props } = renderDetail(bridged);
    expect(screen.getByTestId('protocol')).toHaveTextContent('client speaks 2025-06-18, server 2026-07-28, bridged');
    expect(screen.getByTestId('stand-ins')).toBeChecked();
    await user.click(screen.getByTestId('stand-ins'));
    await waitFor(() => expect(props.onChanged).toHaveBeenCalledWith({ ...bridged, standIns: false }));
    expect(fake.callsOf('servers:set-stand-ins')).toEqual([{ serverId: 'linear', enabled: false }]);
  });
});

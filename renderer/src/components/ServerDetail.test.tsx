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
  LogViewer: (props: { initialServerId?: string; compact?: boolean; lockServer?: boolean }) => (
    <div data-testid="log-viewer" data-server={props.initialServerId} data-compact={String(!!props.compact)} data-locked={String(!!props.lockServer)} />
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
  it('Overview: the state, sign-in and install rows; Tools: the tools; Log: this server only', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'servers:tools': () => ok([{ name: 'list_issues', title: 'List issues', description: 'List issues in the workspace.' }, { name: 'search' }]),
      'clients:status': () =>
        ok([
          { serverId: 'linear', clientId: 'claude-desktop', state: 'installed', name: 'linear' },
          { serverId: 'linear', clientId: 'cursor', state: 'not-installed' },
        ]),
    });
    renderDetail({ ...linear, account: 'ada@linear.example', headerNames: ['X-Org'] });
    expect(screen.getByRole('heading', { name: 'Linear', level: 2 })).toBeInTheDocument();
    expect(screen.getByTestId('state-detail')).toHaveTextContent('Working. Clients on this computer can use it.');
    expect(screen.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('connections')).toHaveTextContent('2 now · 5 total');
    expect(screen.getByTestId('sign-in-state')).toHaveTextContent('Signed in as ada@linear.example · renews automatically');
    expect(screen.getByTestId('sign-in-section')).toHaveTextContent('Sends X-Org with every request');
    const rows = await screen.findAllByTestId('install-row');
    expect(rows.map((r) => r.dataset.clientId)).toEqual(['claude-desktop', 'cursor']);
    await waitFor(() => expect(within(rows[0]!).getByTestId('install-state')).toHaveTextContent('Installed as "linear"'));
    expect(within(rows[0]!).getByText('Quit and reopen Claude Desktop.')).toBeInTheDocument();
    // Tools are asked for only on their tab.
    expect(fake.callsOf('servers:tools')).toEqual([]);

    await user.click(screen.getByRole('tab', { name: 'Tools' }));
    const tools = await screen.findAllByTestId('tool');
    expect(tools.map((t) => t.textContent)).toEqual(['List issueslist_issuesList issues in the workspace.', 'search']);
    expect(fake.callsOf('servers:tools')).toEqual([{ serverId: 'linear' }]);

    // Arrow keys move between tabs.
    screen.getByRole('tab', { name: 'Tools' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Log' })).toHaveFocus();
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-server', 'linear');
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-locked', 'true');

    await user.click(screen.getByRole('tab', { name: 'Settings' }));
    expect(screen.getByTestId('transport')).toHaveTextContent('Streamable HTTP');
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

  it("shows today's calls saved by a retry and lost; another day's counts are not today's", () => {
    installFakeBridge({ 'servers:tools': () => ok([]), 'clients:status': () => ok([]) });
    const d = new Date(NOW);
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const counted = (countedOn: string) => ({
      ...linear,
      status: { ...linear.status, counters: { ...linear.status.counters, savedToday: 12, lostToday: 1, countedOn } },
    });
    const { rerender, props } = renderDetail(linear);
    expect(screen.getByTestId('recovery')).toHaveTextContent('0 saved by a retry · 0 lost');
    rerender(<ServerDetail {...props} server={counted(today)} />);
    expect(screen.getByTestId('recovery')).toHaveTextContent('12 saved by a retry · 1 lost');
    expect(screen.getByTestId('recovery')).toHaveClass('has-errors');
    rerender(<ServerDetail {...props} server={counted('2020-01-01')} />);
    expect(screen.getByTestId('recovery')).toHaveTextContent('0 saved by a retry · 0 lost');
  });

  it('shows loading, then the error, when the tools cannot be listed; not-ready servers are not asked', async () => {
    const answer = deferred<ReturnType<typeof fail>>();
    const fake = installFakeBridge({ 'servers:tools': () => answer.promise });
    const { rerender, props } = renderDetail(linear, { tab: 'tools' });
    expect(await screen.findByText('Loading tools…')).toBeInTheDocument();
    answer.resolve(fail('Upstream answered 502 Bad Gateway'));
    expect(await within(screen.getByTestId('tools')).findByRole('alert')).toHaveTextContent('Could not list the tools: Upstream answered 502 Bad Gateway');

    const down = { ...linear, status: { ...linear.status, state: 'retrying' as const } };
    rerender(<ServerDetail {...props} server={down} />);
    expect(screen.getByTestId('tools')).toHaveTextContent('The tools are listed once the server is ready.');
    expect(fake.callsOf('servers:tools')).toHaveLength(1);
  });

  it('remove (Settings): a dialog names the clients, Escape cancels, confirming removes and reports', async () => {
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
    const { props } = renderDetail(linear, { tab: 'settings' });
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
    const { props } = renderDetail(linear, { tab: 'settings' });
    await user.click(screen.getByRole('button', { name: 'Remove server' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Remove server' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The settings file is locked by another process');
    expect(props.onRemoved).not.toHaveBeenCalled();
  });

  it('Sign out…: asked in plain words in a dialog, then the engine signs out; no second notice beside the state', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({ 'auth:reset': () => ok(undefined) });
    renderDetail(linear);
    await user.click(screen.getByTestId('sign-out'));
    const dialog = screen.getByRole('dialog', { name: 'Sign out of Linear?' });
    expect(dialog).toHaveTextContent(
      "Switchboard signs you out at Linear and forgets this computer's sign-in. Your MCP clients can't use Linear until you sign in again.",
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('auth:reset')).toEqual([]);
    await user.click(screen.getByTestId('sign-out'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fake.callsOf('auth:reset')).toEqual([{ serverId: 'linear' }]);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('Sign in: while the browser is open, Cancel, Open again and Copy link with the time left; then the error in words', async () => {
    const user = userEvent.setup();
    const answer = deferred<ReturnType<typeof fail>>();
    const fake = installFakeBridge({
      'auth:sign-in': () => answer.promise,
      'auth:sign-in-page': () => ok({ url: 'https://auth.notion.example/authorize?state=x', expiresAt: NOW + 299_000 }),
      'auth:open-sign-in-page': () => ok(undefined),
    });
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    renderDetail(server('notion', { signIn: 'needs-sign-in' }, { state: 'needs-sign-in' }));
    await user.click(screen.getByTestId('sign-in'));
    const waiting = await screen.findByTestId('sign-in-waiting');
    expect(await within(waiting).findByTestId('sign-in-time-left')).toHaveTextContent('This page works for 4:59 more.');
    expect(waiting).toHaveTextContent('Finish signing in to Notion in your browser at auth.notion.example.');
    await user.click(within(waiting).getByRole('button', { name: 'Copy link' }));
    expect(copied).toBe('https://auth.notion.example/authorize?state=x');
    await user.click(within(waiting).getByRole('button', { name: 'Open the sign-in page again' }));
    expect(fake.callsOf('auth:open-sign-in-page')).toEqual([{ serverId: 'notion' }]);
    answer.resolve(fail('The sign-in window was closed before it finished'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The sign-in window was closed before it finished');
    expect(screen.getByTestId('sign-in')).toHaveTextContent('Sign in');
  });

  it('the fix its state needs: Enable, Restart (and Show log); a refusal is shown', async () => {
    const user = userEvent.setup();
    const disabled = server('github', { enabled: false }, { state: 'stopped' });
    const fake = installFakeBridge({
      'servers:set-enabled': (arg: { serverId: string; enabled: boolean }) => ok({ ...disabled, enabled: arg.enabled }),
      'servers:restart': () => fail('Could not restart: the proxy did not stop within 5 s'),
    });
    const { props, rerender } = renderDetail(disabled);
    await user.click(screen.getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(props.onChanged).toHaveBeenCalledWith({ ...disabled, enabled: true }));
    const failed = server('github', {}, { state: 'error', detail: 'Stopped after 5 crashes in 60 s' });
    rerender(<ServerDetail {...props} server={failed} />);
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not restart: the proxy did not stop within 5 s');
    await user.click(screen.getByRole('button', { name: 'Show log' }));
    expect(screen.getByRole('tab', { name: 'Log' })).toHaveAttribute('aria-selected', 'true');
    expect(fake.callsOf('servers:set-enabled')).toEqual([{ serverId: 'github', enabled: true }]);
  });

  it('Edit: a new header value replaces the old one without ever showing it; only what changed is sent', async () => {
    const user = userEvent.setup();
    const keyed = server('acme', { headerNames: ['X-Api-Key', 'X-Team'], clientId: 'app-1', scopes: 'read' });
    const fake = installFakeBridge({
      'servers:update': () => ok({ server: { ...keyed, name: 'Acme Docs', headerNames: ['X-Api-Key', 'X-Org'] }, signedOut: false }),
    });
    const { props } = renderDetail(keyed, { tab: 'settings' });
    const form = screen.getByTestId('edit-form');
    expect(within(form).getByRole('button', { name: 'Save changes' })).toBeDisabled();
    // Stored values are never in the form: the fields start empty.
    expect(within(form).getByLabelText('New value for X-Api-Key')).toHaveValue('');
    await user.clear(within(form).getByLabelText('Name'));
    await user.type(within(form).getByLabelText('Name'), 'Acme Docs');
    await user.type(within(form).getByLabelText('New value for X-Api-Key'), 'rotated-key');
    await user.click(within(form).getByRole('button', { name: 'Remove X-Team' }));
    await user.click(within(form).getByRole('button', { name: 'Add header' }));
    await user.type(within(form).getByLabelText('Header 3 name'), 'X-Org');
    await user.type(within(form).getByLabelText('Header 3 value'), 'acme');
    expect(within(form).queryByText(/signs you out of the old one/)).toBeNull();
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Saved.');
    expect(fake.callsOf('servers:update')).toEqual([
      { serverId: 'acme', name: 'Acme Docs', headers: { 'X-Api-Key': 'rotated-key', 'X-Team': null, 'X-Org': 'acme' } },
    ]);
    expect(props.onChanged).toHaveBeenCalledWith({ ...keyed, name: 'Acme Docs', headerNames: ['X-Api-Key', 'X-Org'] });
  });

  it('Edit: a new address or OAuth client says it signs out first; the client secret is write-only and can be removed', async () => {
    const user = userEvent.setup();
    const keyed = server('acme', { clientId: 'app-1' });
    const fake = installFakeBridge({ 'servers:update': () => ok({ server: keyed, signedOut: true }) });
    renderDetail(keyed, { tab: 'settings' });
    const form = screen.getByTestId('edit-form');
    expect(within(form).getByLabelText(/Client secret/)).toHaveAttribute('placeholder', 'unchanged (hidden)');
    await user.clear(within(form).getByLabelText('Server URL'));
    await user.type(within(form).getByLabelText('Server URL'), 'https://mcp.acme.example/v2/mcp');
    expect(within(form).getByRole('note')).toHaveTextContent('A new address or OAuth app signs you out of the old one');
    await user.click(within(form).getByLabelText('Remove the stored client secret'));
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('signed out of the old one: sign in again');
    expect(fake.callsOf('servers:update')).toEqual([{ serverId: 'acme', url: 'https://mcp.acme.example/v2/mcp', clientSecret: null }]);
  });

  it('Edit ▸ Network: shows the proxy with its user but never a password; a new proxy and CA file are sent; a refusal is shown', async () => {
    const user = userEvent.setup();
    const proxied = server('acme', { proxy: 'http://ann@proxy.corp:3128', caFile: '/etc/corp/root.pem' });
    const saved = { ...proxied, proxy: 'direct', caFile: undefined };
    let refuse = true;
    const fake = installFakeBridge({
      'servers:update': () =>
        refuse ? fail('Only HTTP proxies are supported (http:// or https://), not socks5://.') : ok({ server: saved, signedOut: false }),
    });
    const { props } = renderDetail(proxied, { tab: 'settings' });
    const form = screen.getByTestId('edit-form');
    const network = within(form).getByRole('group', { name: 'Network' });
    expect(within(network).getByLabelText(/Proxy/)).toHaveValue('http://ann@proxy.corp:3128');
    expect(within(network).getByLabelText(/CA certificate file/)).toHaveValue('/etc/corp/root.pem');
    expect(within(network).getByTestId('network-now')).toHaveTextContent(
      'Now: the proxy http://ann@proxy.corp:3128, trusting /etc/corp/root.pem. Leave the password out of the URL to keep the stored one.',
    );
    expect(within(form).getByRole('button', { name: 'Save changes' })).toBeDisabled();

    // A new password for the same proxy is a change (sent for the vault); a bad address is refused with the core's sentence.
    await user.clear(within(network).getByLabelText(/Proxy/));
    await user.type(within(network).getByLabelText(/Proxy/), 'socks5://ann:pw@proxy.corp:1080');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('Only HTTP proxies are supported');
    expect(props.onChanged).not.toHaveBeenCalled();

    refuse = false;
    await user.clear(within(network).getByLabelText(/Proxy/));
    await user.type(within(network).getByLabelText(/Proxy/), 'direct');
    await user.clear(within(network).getByLabelText(/CA certificate file/));
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await within(form).findByRole('status')).toHaveTextContent('Saved.');
    expect(fake.callsOf('servers:update')).toEqual([
      { serverId: 'acme', proxy: 'socks5://ann:pw@proxy.corp:1080' },
      { serverId: 'acme', proxy: 'direct', caFile: '' },
    ]);
    expect(props.onChanged).toHaveBeenCalledWith(saved);
    // The form starts again from what was saved (the server prop updates through onChanged in the app).
    expect(within(network).getByLabelText(/Proxy/)).toHaveValue('direct');
  });

  it('Edit ▸ Network: empty means the system settings; a cleared proxy is sent as "system"', async () => {
    const user = userEvent.setup();
    const direct = server('acme', { proxy: 'direct' });
    const fake = installFakeBridge({ 'servers:update': () => ok({ server: { ...direct, proxy: undefined }, signedOut: false }) });
    const { rerender, props } = renderDetail(direct, { tab: 'settings' });
    const network = within(screen.getByTestId('edit-form')).getByRole('group', { name: 'Network' });
    expect(within(network).getByTestId('network-now')).toHaveTextContent('Now: a direct connection (no proxy).');
    await user.clear(within(network).getByLabelText(/Proxy/));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved.');
    expect(fake.callsOf('servers:update')).toEqual([{ serverId: 'acme', proxy: 'system' }]);
    rerender(<ServerDetail {...props} server={{ ...direct, proxy: undefined }} />);
    expect(within(network).getByTestId('network-now')).toHaveTextContent("Now: the system's proxy settings.");
  });

  it('shows the protocol spoken and turns the stand-ins off for this server', async () => {
    const user = userEvent.setup();
    const bridged = server('linear', {}, { protocol: { server: '2026-07-28', client: '2025-06-18', bridged: true } });
    const fake = installFakeBridge({ 'servers:set-stand-ins': (arg: { serverId: string; enabled: boolean }) => ok({ ...bridged, standIns: arg.enabled }) });
    const { props } = renderDetail(bridged);
    expect(screen.getByTestId('protocol')).toHaveTextContent('client speaks 2025-06-18, server 2026-07-28, bridged');
    // The stand-ins are a setting of the server: its Settings tab.
    await user.click(screen.getByRole('tab', { name: 'Settings' }));
    expect(screen.getByTestId('stand-ins')).toBeChecked();
    await user.click(screen.getByTestId('stand-ins'));
    await waitFor(() => expect(props.onChanged).toHaveBeenCalledWith({ ...bridged, standIns: false }));
    expect(fake.callsOf('servers:set-stand-ins')).toEqual([{ serverId: 'linear', enabled: false }]);
  });

  it('turns the stand-ins off for one client install, offered only for the clients it is installed in', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'clients:status': () =>
        ok([
          { serverId: 'linear', clientId: 'claude-desktop', state: 'installed', name: 'linear' },
          { serverId: 'linear', clientId: 'cursor', state: 'not-installed' },
        ]),
      'servers:set-stand-ins': (arg: { serverId: string; enabled: boolean; clientId?: string }) =>
        ok({ ...linear, standInsOffFor: arg.clientId && !arg.enabled ? [arg.clientId] : undefined }),
    });
    const { props, rerender } = renderDetail(linear, { tab: 'settings' });
    const forClaude = await screen.findByTestId('stand-ins-claude-desktop');
    expect(forClaude).toBeChecked();
    expect(screen.getByLabelText('For Claude Desktop')).toBe(forClaude);
    expect(screen.queryByTestId('stand-ins-cursor')).toBeNull();
    await user.click(forClaude);
    expect(fake.callsOf('servers:set-stand-ins')).toEqual([{ serverId: 'linear', enabled: false, clientId: 'claude-desktop' }]);
    const changed = { ...linear, standInsOffFor: ['claude-desktop'] };
    await waitFor(() => expect(props.onChanged).toHaveBeenCalledWith(changed));
    rerender(<ServerDetail {...props} server={changed} />);
    expect(screen.getByTestId('stand-ins-claude-desktop')).not.toBeChecked();
    // With the stand-ins off for the whole server there is nothing to choose per client.
    rerender(<ServerDetail {...props} server={{ ...changed, standIns: false }} />);
    expect(screen.queryByTestId('stand-ins-claude-desktop')).toBeNull();
  });
});

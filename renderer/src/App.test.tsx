// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppInfo, AppSettings } from '../../common/contract';
import { App } from './App';
import { resolveTheme } from './hooks';
import { fail, installFakeBridge, ok, server } from './test/fake-bridge';

// The log viewer has its own tests; the shell only has to render it with the server list.
vi.mock('./components/logs/LogViewer', () => ({
  LogViewer: (props: { servers: unknown[]; initialServerId?: string }) => (
    <div data-testid="log-viewer" data-count={props.servers.length} data-server={props.initialServerId ?? 'all'} />
  ),
}));

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
});

const SETTINGS: AppSettings = { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'light', weakStorage: 'ask', newServerTools: 'review' };
const INSECURE: AppInfo = {
  version: '0.1.0',
  dataDir: '/home/ada/.config/mcp-switchboard',
  platform: 'linux',
  loginItemSupported: false,
  secretStorage: { secure: false, backend: 'basic_text', warning: 'No keyring was found.' },
};

function settingsBridge(info: AppInfo, initial: AppSettings = SETTINGS, extra = {}) {
  let settings = initial;
  return installFakeBridge({
    'servers:list': () => ok([server('linear'), server('notion', {}, { state: 'needs-sign-in' })]),
    'app:info': () => ok(info),
    'settings:get': () => ok(settings),
    'settings:set': (patch: Partial<AppSettings>) => {
      if (patch.logRetentionDays !== undefined && patch.logRetentionDays > 90) return fail('Log retention must be 1 to 90 days');
      settings = { ...settings, ...patch };
      return ok(settings);
    },
    ...extra,
  });
}

describe('App shell', () => {
  it('has a sidebar with the four views, a summary, and switches views', async () => {
    const user = userEvent.setup();
    settingsBridge({ ...INSECURE, secretStorage: { secure: true, backend: 'gnome_libsecret' } });
    render(<App />);
    expect(screen.getByRole('heading', { name: 'MCP Switchboard', level: 1 })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(await screen.findAllByTestId('server')).toHaveLength(2);
    // The badge counts the servers that need the user.
    expect(
      within(nav)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Servers1', 'Logs', 'Clients', 'Settings']);
    expect(screen.getByRole('group', { name: 'Summary' })).toHaveTextContent('1 of 2 ready');
    expect(screen.getByRole('group', { name: 'Summary' })).toHaveTextContent('1 needs attention');

    await user.click(within(nav).getByRole('button', { name: 'Logs' }));
    expect(within(nav).getByRole('button', { name: 'Logs' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-server', 'all');
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-count', '2');

    await user.click(within(nav).getByRole('button', { name: /^Servers/ }));
    await user.click(screen.getByRole('button', { name: 'Open Linear' }));
    expect(screen.getByTestId('server-detail')).toHaveAttribute('data-server-id', 'linear');
    await user.click(screen.getByRole('tab', { name: 'Log' }));
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-server', 'linear');
    await user.click(screen.getByRole('button', { name: /All servers/ }));
    expect(screen.getByRole('heading', { name: 'Servers', level: 2 })).toBeInTheDocument();
    // No storage question when the keyring is secure.
    expect(screen.queryByTestId('storage-sheet')).not.toBeInTheDocument();
  });

  it('the tray and notifications open the add flow, or a server on its log or its sign-in', async () => {
    const fake = settingsBridge({ ...INSECURE, secretStorage: { secure: true, backend: 'gnome_libsecret' } }, SETTINGS, {
      'app:take-view-request': () => ok({ view: 'server', serverId: 'linear', tab: 'log' }),
      'auth:sign-in': () => ok(undefined),
    });
    render(<App />);
    expect(await screen.findByTestId('server-detail')).toHaveAttribute('data-server-id', 'linear');
    expect(screen.getByRole('tab', { name: 'Log' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('log-viewer')).toHaveAttribute('data-server', 'linear');
    act(() => fake.emit('app:did-request-view', { view: 'add' }));
    expect(await screen.findByRole('heading', { name: 'Add a remote server' })).toBeInTheDocument();
    act(() => fake.emit('app:did-request-view', { view: 'server', serverId: 'notion', signIn: true }));
    await waitFor(() => expect(fake.callsOf('auth:sign-in')).toEqual([{ serverId: 'notion' }]));
  });

  it('"N need attention" is a link to the first server that needs the user', async () => {
    const user = userEvent.setup();
    settingsBridge({ ...INSECURE, secretStorage: { secure: true, backend: 'gnome_libsecret' } });
    render(<App initialView={{ kind: 'settings' }} />);
    await user.click(await screen.findByTestId('attention-link'));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Open Notion' })).toHaveFocus());
    // Servers that need the user come first.
    expect(screen.getAllByTestId('server').map((r) => r.dataset.serverId)).toEqual(['notion', 'linear']);
  });

  it("a link's proposal opens the add flow pre-filled, and adds nothing by itself", async () => {
    const fake = installFakeBridge({ 'app:take-proposal': () => ok({ url: 'https://mcp.example.org/mcp' }) });
    render(<App />);
    expect(await screen.findByTestId('proposal')).toHaveTextContent('A link asks to add https://mcp.example.org/mcp');
    expect(screen.getByLabelText('Server URL')).toHaveValue('https://mcp.example.org/mcp');
    expect(fake.callsOf('servers:probe')).toEqual([]);
    expect(fake.callsOf('servers:add')).toEqual([]);
  });

  it('asks where to keep sign-ins once, at the first sign-in that needs it (no banner on every view)', async () => {
    const user = userEvent.setup();
    const fake = settingsBridge(INSECURE, SETTINGS, { 'auth:sign-in': () => ok(undefined) });
    render(<App />);
    await screen.findAllByTestId('server');
    await user.click(screen.getByRole('button', { name: 'Clients' }));
    await user.click(screen.getByRole('button', { name: /^Servers/ }));
    expect(screen.queryByTestId('storage-sheet')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /storage/i })).not.toBeInTheDocument();

    // The Sign in on Notion's card: the question first, with both consequences.
    await user.click(within(screen.getAllByTestId('server')[0]!).getByTestId('fix'));
    const sheet = await screen.findByRole('dialog', { name: 'Before you sign in to Notion' });
    expect(sheet).toHaveTextContent('This computer has no keyring to protect your sign-ins.');
    expect(sheet).toHaveTextContent('Installing and unlocking GNOME Keyring or KWallet protects them instead.');
    expect(fake.callsOf('auth:sign-in')).toEqual([]);
    await user.click(within(sheet).getByRole('button', { name: /Keep me signed in/ }));
    await waitFor(() => expect(fake.callsOf('auth:sign-in')).toEqual([{ serverId: 'notion' }]));
    expect(fake.callsOf('settings:set')).toEqual([{ weakStorage: 'store' }]);
    expect(screen.queryByTestId('storage-sheet')).not.toBeInTheDocument();

    // Asked once: the next sign-in goes straight to the browser.
    await user.click(screen.getAllByTestId('server')[0]!.querySelector<HTMLButtonElement>('[data-testid="fix"]')!);
    await waitFor(() => expect(fake.callsOf('auth:sign-in')).toHaveLength(2));
    expect(screen.queryByTestId('storage-sheet')).not.toBeInTheDocument();
  });

  it('Cancel on the storage question signs in nowhere', async () => {
    const user = userEvent.setup();
    const fake = settingsBridge(INSECURE, SETTINGS, { 'auth:sign-in': () => ok(undefined) });
    render(<App />);
    await user.click((await screen.findAllByTestId('fix'))[0]!);
    await user.click(within(await screen.findByTestId('storage-sheet')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByTestId('storage-sheet')).not.toBeInTheDocument();
    expect(fake.callsOf('auth:sign-in')).toEqual([]);
    expect(fake.callsOf('settings:set')).toEqual([]);
  });

  it('settings: theme applies at once, retention is checked, login item unsupported is explained', async () => {
    const user = userEvent.setup();
    const fake = settingsBridge(INSECURE, { ...SETTINGS, weakStorage: 'memory' });
    render(<App initialView={{ kind: 'settings' }} />);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    expect(await screen.findByTestId('version')).toHaveTextContent('0.1.0');
    expect(screen.getByText('/home/ada/.config/mcp-switchboard')).toBeInTheDocument();
    expect(screen.getByLabelText('Launch at login')).toBeDisabled();
    expect(screen.getByLabelText('Launch at login')).toHaveAccessibleDescription(/Only the desktop app can start at login/);

    // Not secure: the choice is offered here too, in the words of the first sign-in's question, the current one checked.
    expect(screen.getByRole('radio', { name: /Sign in again after each start/ })).toBeChecked();
    expect(screen.getByText('Linux')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Dark' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));

    const retention = screen.getByLabelText('Keep log files for');
    await waitFor(() => expect(retention).toHaveValue(14));
    await user.clear(retention);
    await user.type(retention, '0{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a whole number of days from 1 to 90.');
    expect(retention).toHaveAttribute('aria-invalid', 'true');
    await user.clear(retention);
    await user.type(retention, '30{Enter}');
    expect(await screen.findByRole('status')).toHaveTextContent('Saved. Log files are kept for 30 days.');
    expect(fake.callsOf('settings:set')).toEqual([{ theme: 'dark' }, { logRetentionDays: 30 }]);

    // New servers' tools: reviewed first by default; unchecking trusts their first listing.
    const review = screen.getByRole('checkbox', { name: "Review a new server's tools before any client sees them" });
    expect(review).toBeChecked();
    await user.click(review);
    expect(await screen.findByRole('status')).toHaveTextContent("Saved. A new server's first tools are approved as they are.");
    expect(fake.callsOf('settings:set').at(-1)).toEqual({ newServerTools: 'trust' });
    await waitFor(() => expect(review).not.toBeChecked());
  });

  it('resolves the theme: explicit settings win, system follows the media query', () => {
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme(undefined, true)).toBe('dark');
  });

  it('says so when the bridge is missing', () => {
    Object.defineProperty(window, 'switchboard', { value: undefined, configurable: true, writable: true });
    render(<App />);
    expect(screen.getAllByRole('alert')[0]).toHaveTextContent('only works inside the MCP Switchboard app');
  });
});

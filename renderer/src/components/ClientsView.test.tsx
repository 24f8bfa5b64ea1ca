// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientApp, ImportCandidateView } from '../../../common/contract';
import { fail, installFakeBridge, ok, server } from '../test/fake-bridge';
import { ClientsView } from './ClientsView';

afterEach(cleanup);

const CLIENTS: ClientApp[] = [
  { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
  {
    id: 'claude-desktop',
    name: 'Claude Desktop',
    present: true,
    restartHint: 'Quit and reopen Claude Desktop.',
    configPath: '/home/ada/.config/Claude/claude_desktop_config.json',
  },
  { id: 'cursor', name: 'Cursor', present: true, restartHint: 'Cursor picks up the change by itself.', configPath: '/home/ada/.cursor/mcp.json' },
];

const IMPORTS: ImportCandidateView[] = [
  {
    clientId: 'claude-desktop',
    clientName: 'Claude Desktop',
    file: '/home/ada/.config/Claude/claude_desktop_config.json',
    entryName: 'atlassian',
    url: 'https://mcp.atlassian.com/v1/sse',
    headerNames: [],
  },
  {
    clientId: 'cursor',
    clientName: 'Cursor',
    file: '/home/ada/.cursor/mcp.json',
    entryName: 'stripe',
    url: 'https://mcp.stripe.com',
    headerNames: ['Authorization'],
  },
];

const SERVERS = [server('linear'), server('notion')];

describe('ClientsView', () => {
  it('lists the clients found (path as ~/…, Reveal, Copy, restart hint), the others on one line, and the install matrix', async () => {
    installFakeBridge({
      'clients:status': () =>
        ok([
          { serverId: 'linear', clientId: 'claude-desktop', state: 'installed', name: 'linear' },
          { serverId: 'linear', clientId: 'cursor', state: 'stale', name: 'linear', reason: 'launcher', detail: 'Points at an old app path' },
          { serverId: 'notion', clientId: 'claude-desktop', state: 'not-installed' },
          { serverId: 'notion', clientId: 'cursor', state: 'cannot-install', reason: 'Cursor has no remote entries' },
        ]),
    });
    render(
      <ClientsView
        clients={CLIENTS}
        servers={SERVERS}
        info={{
          version: '1',
          dataDir: '/home/ada/.config/mcp-switchboard',
          platform: 'linux',
          loginItemSupported: true,
          canReveal: true,
          homeDir: '/home/ada',
        }}
        onImported={() => {}}
        onOpenServer={() => {}}
      />,
    );
    const rows = screen.getAllByTestId('client-row');
    expect(rows.map((r) => r.dataset.clientId)).toEqual(['claude-desktop', 'cursor']);
    expect(rows[0]).toHaveTextContent('~/.config/Claude/claude_desktop_config.json');
    expect(within(rows[0]!).getByText('~/.config/Claude/claude_desktop_config.json')).toHaveAttribute(
      'title',
      '/home/ada/.config/Claude/claude_desktop_config.json',
    );
    expect(within(rows[0]!).getByRole('button', { name: 'Reveal ~/.config/Claude/claude_desktop_config.json' })).toBeInTheDocument();
    expect(within(rows[0]!).getByRole('button', { name: 'Copy the path ~/.config/Claude/claude_desktop_config.json' })).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('Quit and reopen Claude Desktop.');
    expect(screen.getByTestId('other-clients')).toHaveTextContent('Also supported, not found here: Zed.');

    const cell = (s: string, c: string) => document.querySelector(`[data-testid="matrix-cell"][data-server-id="${s}"][data-client-id="${c}"]`)!;
    await waitFor(() => expect(cell('linear', 'claude-desktop')).toHaveTextContent('Installed'));
    expect(cell('linear', 'cursor')).toHaveTextContent('Needs repair');
    expect(cell('notion', 'claude-desktop')).toHaveTextContent('Install');
    expect(within(cell('notion', 'claude-desktop') as HTMLElement).getByRole('button', { name: 'Install Notion in Claude Desktop' })).toBeInTheDocument();
    expect(cell('notion', 'cursor')).toHaveTextContent('Not possible');
    // Zed is not on this machine and holds nothing: no column.
    expect(within(screen.getByTestId('matrix')).queryByRole('columnheader', { name: 'Zed' })).not.toBeInTheDocument();
  });

  it('imports an mcp-remote entry and shows the outcome; a refusal is shown on its row', async () => {
    const user = userEvent.setup();
    const onImported = vi.fn();
    const imported = server('atlassian', { name: 'atlassian', url: 'https://mcp.atlassian.com/v1/sse' });
    const fake = installFakeBridge({
      'clients:find-imports': () => ok(IMPORTS),
      'clients:import': (arg: { entryName: string }) => (arg.entryName === 'atlassian' ? ok(imported) : fail('https://mcp.stripe.com is already in the list')),
    });
    render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={onImported} onOpenServer={() => {}} />);
    const rows = await screen.findAllByTestId('import-row');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent('Headers: Authorization');

    await user.click(screen.getByRole('button', { name: 'Import atlassian from Claude Desktop' }));
    expect(await within(rows[0]!).findByRole('status')).toHaveTextContent('Imported as atlassian. Claude Desktop now reaches it through Switchboard.');
    expect(onImported).toHaveBeenCalledWith(imported);
    expect(within(rows[0]!).getByRole('button', { name: 'Open' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Import stripe from Cursor' }));
    expect(await within(rows[1]!).findByRole('alert')).toHaveTextContent('https://mcp.stripe.com is already in the list');
    expect(fake.callsOf('clients:import')).toEqual([
      { clientId: 'claude-desktop', entryName: 'atlassian' },
      { clientId: 'cursor', entryName: 'stripe' },
    ]);
  });

  it('says when there is nothing to import, and when looking failed', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({ 'clients:find-imports': () => ok([]) });
    render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={() => {}} onOpenServer={() => {}} />);
    expect(await screen.findByText('No mcp-remote entries found. Nothing to import.')).toBeInTheDocument();
    fake.handlers['clients:find-imports'] = () => fail('Permission denied reading /home/ada/.cursor/mcp.json');
    await user.click(screen.getByRole('button', { name: 'Scan again' }));
    expect(await within(screen.getByTestId('imports')).findByRole('alert')).toHaveTextContent(
      'Could not look for entries: Permission denied reading /home/ada/.cursor/mcp.json',
    );
  });

  it('a cell of the matrix installs or removes that server in that client', async () => {
    const user = userEvent.setup();
    const installed = new Set(['linear/claude-desktop']);
    const fake = installFakeBridge({
      'clients:status': () =>
        ok(
          SERVERS.flatMap((s) =>
            ['claude-desktop', 'cursor'].map((c) =>
              installed.has(`${s.id}/${c}`)
                ? { serverId: s.id, clientId: c, state: 'installed', name: s.id }
                : { serverId: s.id, clientId: c, state: 'not-installed' },
            ),
          ),
        ),
      'clients:install': (arg: { serverId: string; clientId: string }) => {
        installed.add(`${arg.serverId}/${arg.clientId}`);
        return ok({ ...arg, name: arg.serverId, file: '/f', changed: true, restartHint: 'Cursor picks up the change by itself.' });
      },
      'clients:uninstall': (arg: { serverId: string; clientId: string }) => {
        installed.delete(`${arg.serverId}/${arg.clientId}`);
        return ok({ ...arg, name: arg.serverId, file: '/f', changed: true, restartHint: 'Claude Desktop drops it the next time it starts.' });
      },
    });
    render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={() => {}} onOpenServer={() => {}} />);
    await user.click(await screen.findByRole('button', { name: 'Install Notion in Cursor' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Installed Notion into Cursor. Cursor picks up the change by itself.');
    await user.click(await screen.findByRole('button', { name: 'Remove Linear in Claude Desktop' }));
    expect(await screen.findByText('Removed Linear from Claude Desktop. Claude Desktop drops it the next time it starts.')).toBeInTheDocument();
    expect(fake.callsOf('clients:install')).toEqual([{ serverId: 'notion', clientId: 'cursor' }]);
    expect(fake.callsOf('clients:uninstall')).toEqual([{ serverId: 'linear', clientId: 'claude-desktop' }]);
  });

  it("a client's config backups are listed and one is restored after a confirmation", async () => {
    const user = userEvent.setup();
    const at = Date.UTC(2026, 2, 3, 14, 0, 0);
    const fake = installFakeBridge({
      'clients:backups': () => ok([{ id: 'mcp.json.2026-03-03T14-00-00-000Z.bak', createdAt: at, bytes: 212 }]),
      'clients:restore-backup': (arg: { clientId: string }) =>
        ok({ clientId: arg.clientId, file: '/home/ada/.cursor/mcp.json', restartHint: 'Cursor picks up the change by itself.' }),
    });
    render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={() => {}} onOpenServer={() => {}} />);
    const cursor = within(screen.getAllByTestId('client-row')[1]!);
    await user.click(cursor.getByRole('button', { name: 'Backups' }));
    const backup = await cursor.findByTestId('backup');
    expect(backup).toHaveTextContent('212 B');
    await user.click(within(backup).getByRole('button', { name: /Restore the backup of/ }));
    const dialog = screen.getByRole('dialog', { name: "Restore Cursor's config?" });
    expect(dialog).toHaveTextContent('What it holds now is kept as a backup too');
    await user.click(within(dialog).getByRole('button', { name: 'Restore' }));
    expect(await cursor.findByRole('status')).toHaveTextContent("Restored Cursor's config from");
    expect(fake.callsOf('clients:restore-backup')).toEqual([{ clientId: 'cursor', backupId: 'mcp.json.2026-03-03T14-00-00-000Z.bak' }]);
  });

  it('mcp-remote entries come first when there are some, with Import all', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'clients:find-imports': () => ok(IMPORTS),
      'clients:import': (arg: { entryName: string }) => ok(server(arg.entryName)),
    });
    const { container } = render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={() => {}} onOpenServer={() => {}} />);
    await screen.findAllByTestId('import-row');
    expect(container.querySelector('.card')).toBe(screen.getByTestId('imports'));
    await user.click(screen.getByRole('button', { name: 'Import all' }));
    await waitFor(() => expect(fake.callsOf('clients:import')).toHaveLength(2));
  });
});

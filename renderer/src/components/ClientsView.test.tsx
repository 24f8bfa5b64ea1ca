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
  it('lists the clients (found first) with config path and restart hint, and the install matrix', async () => {
    installFakeBridge({
      'clients:status': () =>
        ok([
          { serverId: 'linear', clientId: 'claude-desktop', state: 'installed', name: 'linear' },
          { serverId: 'linear', clientId: 'cursor', state: 'stale', name: 'linear', reason: 'launcher', detail: 'Points at an old app path' },
          { serverId: 'notion', clientId: 'claude-desktop', state: 'not-installed' },
          { serverId: 'notion', clientId: 'cursor', state: 'cannot-install', reason: 'Cursor has no remote entries' },
        ]),
    });
    render(<ClientsView clients={CLIENTS} servers={SERVERS} onImported={() => {}} onOpenServer={() => {}} />);
    const rows = screen.getAllByTestId('client-row');
    expect(rows.map((r) => r.dataset.clientId)).toEqual(['claude-desktop', 'cursor', 'zed']);
    expect(rows[0]).toHaveTextContent('Found');
    expect(rows[0]).toHaveTextContent('/home/ada/.config/Claude/claude_desktop_config.json');
    expect(rows[0]).toHaveTextContent('Quit and reopen Claude Desktop.');
    expect(rows[2]).toHaveTextContent('Not found');

    const cell = (s: string, c: string) => document.querySelector(`[data-testid="matrix-cell"][data-server-id="${s}"][data-client-id="${c}"]`)!;
    await waitFor(() => expect(cell('linear', 'claude-desktop')).toHaveTextContent('Installed'));
    expect(cell('linear', 'cursor')).toHaveTextContent('Needs repair');
    expect(cell('notion', 'claude-desktop')).toHaveTextContent('Not installed');
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
    await user.click(screen.getByRole('button', { name: 'Look again' }));
    expect(await within(screen.getByTestId('imports')).findByRole('alert')).toHaveTextContent(
      'Could not look for entries: Permission denied reading /home/ada/.cursor/mcp.json',
    );
  });
});

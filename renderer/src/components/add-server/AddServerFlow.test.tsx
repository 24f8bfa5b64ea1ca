// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientApp, ProbeResult } from '../../../../common/contract';
import { deferred, fail, installFakeBridge, NOW, ok, server } from '../../test/fake-bridge';
import { AddServerFlow } from './AddServerFlow';

afterEach(cleanup);

const CLIENTS: ClientApp[] = [
  { id: 'claude-desktop', name: 'Claude Desktop', present: true, restartHint: 'Quit and reopen Claude Desktop.' },
  { id: 'cursor', name: 'Cursor', present: true, restartHint: 'Cursor picks up the change by itself.' },
  { id: 'zed', name: 'Zed', present: false, restartHint: 'Zed picks up the change by itself.' },
];

const ACME: ProbeResult = {
  url: 'https://mcp.acme.dev/mcp',
  reachable: true,
  transport: 'streamable-http',
  signIn: 'needed',
  authorizationServer: 'https://auth.acme.dev',
  serverName: 'Acme Projects',
  serverVersion: '2.3.1',
  suggestedName: 'Acme Projects',
};

function renderFlow(extra: Partial<Parameters<typeof AddServerFlow>[0]> = {}) {
  const props = { clients: CLIENTS, onAdded: vi.fn(), onOpenServer: vi.fn(), onCancel: vi.fn(), ...extra };
  return { props, ...render(<AddServerFlow {...props} />) };
}

describe('AddServerFlow', () => {
  it('shows a refused URL inline, on the field, and adds nothing', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({ 'servers:probe': () => fail('"mcp.acme" is not a URL. Paste the full address, starting with https://') });
    renderFlow();
    const url = screen.getByLabelText('Server URL');
    expect(screen.getByRole('button', { name: 'Check' })).toBeDisabled();
    await user.type(url, 'mcp.acme');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    const problem = await screen.findByTestId('url-problem');
    expect(problem).toHaveTextContent('"mcp.acme" is not a URL. Paste the full address, starting with https://');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription(/is not a URL/);
    expect(fake.callsOf('servers:add')).toEqual([]);
  });

  it('says the transport is known after sign-in when the server only answered 401', async () => {
    const user = userEvent.setup();
    installFakeBridge({ 'servers:probe': () => ok({ ...ACME, transport: undefined }) });
    renderFlow();
    await user.type(screen.getByLabelText('Server URL'), ACME.url);
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText('Known after sign-in')).toBeInTheDocument();
  });

  it("shows the probe's problem for an unreachable host, and lets the user add it anyway", async () => {
    const user = userEvent.setup();
    installFakeBridge({
      'servers:probe': () =>
        ok({
          url: 'https://down.example.com/mcp',
          reachable: false,
          signIn: 'unknown',
          suggestedName: 'Example',
          problem: 'Nothing answers at down.example.com: connection refused.',
        }),
    });
    renderFlow();
    await user.type(screen.getByLabelText('Server URL'), 'https://down.example.com/mcp');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByTestId('url-problem')).toHaveTextContent('Nothing answers at down.example.com: connection refused.');
    await user.click(screen.getByRole('button', { name: 'add it anyway' }));
    expect(screen.getByRole('heading', { name: 'The server did not answer' })).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Example');
  });

  it('walks probe → "Add and sign in" (a draft, kept once signed in) → install → done', async () => {
    const user = userEvent.setup();
    const draft = server('acme', { name: 'Acme Projects', url: ACME.url, signIn: 'needs-sign-in' }, { state: 'stopped' });
    const kept = { ...draft, status: { ...draft.status, state: 'starting' as const } };
    const signIn = deferred<ReturnType<typeof ok<undefined>>>();
    const fake = installFakeBridge({
      'servers:probe': () => ok(ACME),
      'servers:add': () => ok(draft),
      'auth:sign-in': () => signIn.promise,
      'auth:sign-in-page': () => ok({ url: 'https://auth.acme.dev/authorize?state=abc', expiresAt: NOW + 4 * 60_000 + 30_000 }),
      'auth:open-sign-in-page': () => ok(undefined),
      'servers:keep': () => ok(kept),
      // Settings say "review new servers' tools": the first listing waits.
      'tools:review': () => ok({ serverId: 'acme', mode: 'ask', items: [], pending: 3 }),
      'clients:install': (arg: { serverId: string; clientId: string }) =>
        arg.clientId === 'cursor'
          ? fail('Cursor’s mcp.json is not valid JSON (line 4); it was left as it is')
          : ok({ ...arg, name: 'acme', file: '/c.json', changed: true, restartHint: 'Quit and reopen Claude Desktop.' }),
    });
    const { props } = renderFlow({ now: NOW });
    await user.type(screen.getByLabelText('Server URL'), 'https://mcp.acme.dev/mcp');
    await user.click(screen.getByRole('button', { name: 'Check' }));

    const facts = await screen.findByTestId('probe-result');
    expect(within(facts).getByTestId('probe-sign-in')).toHaveTextContent('Needed — you sign in at auth.acme.dev');
    expect(facts).toHaveTextContent('Acme Projects 2.3.1');
    // How it speaks is under Details; "Reachable: Yes" says nothing the heading does not.
    expect(screen.getByTestId('probe-transport')).toHaveTextContent('Streamable HTTP');
    expect(facts).not.toHaveTextContent('Reachable');
    expect(screen.getByLabelText('Name')).toHaveValue('Acme Projects');

    const advanced = screen.getByRole('button', { name: /Advanced: API key or custom headers/ });
    expect(advanced).toHaveAttribute('aria-expanded', 'false');
    await user.click(advanced);
    expect(advanced).toHaveAttribute('aria-expanded', 'true');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Team');
    await user.type(screen.getByLabelText('Header 1 value'), 'platform');
    await user.type(screen.getByLabelText('Client ID'), 'switchboard-desktop');
    await user.type(screen.getByLabelText(/Client secret/), 's3cret');
    await user.type(screen.getByLabelText(/Extra scopes/), ' projects:read  ');
    await user.click(screen.getByRole('button', { name: 'Add and sign in' }));

    // One click: the draft is made and the browser sign-in starts; nothing is kept yet.
    expect(await screen.findByRole('heading', { name: 'Sign in to Acme Projects' })).toHaveFocus();
    expect(props.onAdded).not.toHaveBeenCalled();
    const waiting = await screen.findByTestId('sign-in-waiting');
    expect(await within(waiting).findByTestId('sign-in-time-left')).toHaveTextContent('This page works for 4:30 more.');
    for (const name of ['Open the sign-in page again', 'Copy link', 'Cancel', 'Keep without signing in']) {
      expect(within(waiting).getByRole('button', { name })).toBeEnabled();
    }
    await user.click(within(waiting).getByRole('button', { name: 'Open the sign-in page again' }));
    expect(fake.callsOf('auth:open-sign-in-page')).toEqual([{ serverId: 'acme' }]);
    signIn.resolve(ok(undefined));

    expect(await screen.findByRole('heading', { name: 'Use Acme Projects in these clients' })).toBeInTheDocument();
    expect(fake.callsOf('servers:keep')).toEqual([{ serverId: 'acme' }]);
    expect(props.onAdded).toHaveBeenCalledWith(kept);
    const boxes = within(screen.getByRole('group', { name: 'Install into' })).getAllByRole('checkbox');
    expect(boxes).toHaveLength(2); // Zed is not on this machine
    await user.click(screen.getByRole('button', { name: 'Install into 2 clients' }));

    const outcomes = await screen.findByTestId('install-outcomes');
    expect(outcomes).toHaveTextContent('Installed into Claude Desktop. Quit and reopen Claude Desktop.');
    expect(within(outcomes).getByRole('alert')).toHaveTextContent(
      'Could not install into Cursor: Cursor’s mcp.json is not valid JSON (line 4); it was left as it is',
    );
    // Its tools wait for review, with the way there beside the sentence.
    expect(await screen.findByTestId('tools-to-review')).toHaveTextContent('Its 3 tools wait for your review: clients see them once you approve.');
    await user.click(screen.getByRole('button', { name: 'Review tools' }));
    expect(props.onOpenServer).toHaveBeenCalledWith('acme', 'tools');
    await user.click(screen.getByRole('button', { name: 'Open Acme Projects' }));
    expect(props.onOpenServer).toHaveBeenLastCalledWith('acme');

    expect(fake.callsOf('servers:add')).toEqual([
      {
        url: ACME.url,
        name: 'Acme Projects',
        headers: { 'X-Team': 'platform' },
        clientId: 'switchboard-desktop',
        clientSecret: 's3cret',
        scopes: 'projects:read',
        draft: true,
      },
    ]);
    expect(fake.callsOf('auth:sign-in')).toEqual([{ serverId: 'acme' }]);
    expect(fake.callsOf('servers:discard')).toEqual([]);
    expect(fake.callsOf('clients:install')).toEqual([
      { serverId: 'acme', clientId: 'claude-desktop' },
      { serverId: 'acme', clientId: 'cursor' },
    ]);
  });

  it('a refused add and a failed sign-in are shown where they happened; "Keep without signing in" keeps the draft', async () => {
    const user = userEvent.setup();
    let addAnswer = fail('https://mcp.acme.dev/mcp is already in the list');
    const draft = server('acme', { name: 'Acme Projects' }, { state: 'stopped' });
    const fake = installFakeBridge({
      'servers:probe': () => ok(ACME),
      'servers:add': () => addAnswer,
      'auth:sign-in': () => fail('The authorization server refused the code: invalid_grant'),
      'servers:keep': () => ok({ ...draft, status: { ...draft.status, state: 'needs-sign-in' } }),
    });
    const { props } = renderFlow();
    await user.type(screen.getByLabelText('Server URL'), ACME.url);
    await user.click(screen.getByRole('button', { name: 'Check' }));
    await user.click(await screen.findByRole('button', { name: 'Add and sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('https://mcp.acme.dev/mcp is already in the list');

    addAnswer = ok(draft) as never;
    await user.click(screen.getByRole('button', { name: 'Add and sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign-in did not finish: The authorization server refused the code: invalid_grant');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Keep without signing in' }));
    expect(await screen.findByRole('heading', { name: 'Use Acme Projects in these clients' })).toBeInTheDocument();
    expect(fake.callsOf('servers:add')).toHaveLength(2);
    expect(fake.callsOf('servers:keep')).toEqual([{ serverId: 'acme' }]);
    expect(props.onAdded).toHaveBeenCalledTimes(1);
  });

  it('Cancel while the browser is open discards the draft: back to the form, nothing kept', async () => {
    const user = userEvent.setup();
    const signIn = deferred<ReturnType<typeof fail>>();
    const fake = installFakeBridge({
      'servers:probe': () => ok(ACME),
      'servers:add': () => ok(server('acme', { name: 'Acme Projects' }, { state: 'stopped' })),
      'auth:sign-in': () => signIn.promise,
      'auth:sign-in-page': () => ok(null),
      'auth:cancel-sign-in': () => {
        signIn.resolve(fail('Sign-in was cancelled.'));
        return ok(undefined);
      },
      'servers:discard': () => ok(undefined),
    });
    const { props } = renderFlow();
    await user.type(screen.getByLabelText('Server URL'), ACME.url);
    await user.click(screen.getByRole('button', { name: 'Check' }));
    await user.clear(await screen.findByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Work Acme');
    await user.click(screen.getByRole('button', { name: 'Add and sign in' }));
    await user.click(await within(await screen.findByTestId('sign-in-waiting')).findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('heading', { name: 'The server answered' })).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Work Acme');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(fake.callsOf('servers:discard')).toEqual([{ serverId: 'acme' }]);
    expect(fake.callsOf('servers:keep')).toEqual([]);
    expect(props.onAdded).not.toHaveBeenCalled();
  });

  it('leaving the flow while the sign-in waits discards the draft', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'servers:probe': () => ok(ACME),
      'servers:add': () => ok(server('acme', { name: 'Acme Projects' }, { state: 'stopped' })),
      'auth:sign-in': () => new Promise(() => {}),
      'auth:sign-in-page': () => ok(null),
      'auth:cancel-sign-in': () => ok(undefined),
      'servers:discard': () => ok(undefined),
    });
    const { unmount } = renderFlow();
    await user.type(screen.getByLabelText('Server URL'), ACME.url);
    await user.click(screen.getByRole('button', { name: 'Check' }));
    await user.click(await screen.findByRole('button', { name: 'Add and sign in' }));
    await screen.findByTestId('sign-in-waiting');
    unmount();
    await waitFor(() => expect(fake.callsOf('servers:discard')).toEqual([{ serverId: 'acme' }]));
    expect(fake.callsOf('auth:cancel-sign-in')).toEqual([{ serverId: 'acme' }]);
  });

  it('a link arriving during the flow starts a fresh form and says so (issue 12 item 12)', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'servers:probe': () => ok({ ...ACME, signIn: 'not-needed' }),
      'servers:add': () => ok(server('example')),
    });
    const { rerender, props } = renderFlow();
    await user.type(screen.getByLabelText('Server URL'), ACME.url);
    await user.click(screen.getByRole('button', { name: 'Check' }));
    await user.click(await screen.findByRole('button', { name: /Advanced/ }));
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'Authorization');
    await user.type(screen.getByLabelText('Header 1 value'), 'Bearer for-acme');
    await user.type(screen.getByLabelText(/Client secret/), 'acme-secret');
    rerender(<AddServerFlow {...props} proposal={{ url: 'https://mcp.example.org/mcp' }} />);
    expect(await screen.findByTestId('form-replaced')).toHaveTextContent(
      'what you had typed for the other server (its headers, client secret and scopes) was cleared',
    );
    expect(screen.getByLabelText('Server URL')).toHaveValue('https://mcp.example.org/mcp');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    await user.click(await screen.findByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(fake.callsOf('servers:add')).toHaveLength(1));
    expect(fake.callsOf('servers:add')[0]).toEqual({ url: ACME.url, name: 'Acme Projects' });
  });

  it("a link's proposal pre-fills the URL and name, and nothing happens until the user confirms", async () => {
    const user = userEvent.setup();
    const onDismissProposal = vi.fn();
    const fake = installFakeBridge({
      'servers:probe': (arg: { url: string }) =>
        ok({ url: arg.url, reachable: true, transport: 'streamable-http', signIn: 'not-needed', suggestedName: 'Example' }),
      'servers:add': () => ok(server('example')),
    });
    renderFlow({ proposal: { url: 'https://mcp.example.org/mcp', name: 'Example Org' }, onDismissProposal });
    expect(screen.getByTestId('proposal')).toHaveTextContent('A link asks to add https://mcp.example.org/mcp');
    expect(screen.getByLabelText('Server URL')).toHaveValue('https://mcp.example.org/mcp');
    // (Only the list of registries to search is read; nothing is probed or added.)
    await waitFor(() => expect(fake.calls.filter((c) => c.name !== 'registry:sources')).toEqual([]));
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByLabelText('Name')).toHaveValue('Example Org');
    expect(fake.callsOf('servers:add')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    await user.click(screen.getByRole('button', { name: 'dismiss it' }));
    expect(screen.getByLabelText('Server URL')).toHaveValue('');
    expect(onDismissProposal).toHaveBeenCalledTimes(1);
    expect(fake.callsOf('servers:add')).toEqual([]);
  });
});

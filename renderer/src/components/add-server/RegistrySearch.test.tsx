// @vitest-environment jsdom
/**
 * The add flow's registry search against the FAKE bridge (renderer/src/test/fake-bridge.ts): the
 * core's answers are given per test (the core itself is tested with a real registry in
 * main/core/registry). Each registry answers on its own; picking fills the form.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RegistryEntry, RegistryPage, RegistrySource, Result } from '../../../../common/contract';
import { deferred, fail, installFakeBridge, ok, server } from '../../test/fake-bridge';
import { AddServerFlow } from './AddServerFlow';

afterEach(cleanup);

const OFFICIAL: RegistrySource = {
  id: 'official',
  name: 'MCP Registry',
  url: 'https://registry.modelcontextprotocol.io',
  official: true,
  enabled: true,
  hasToken: false,
};
const COMPANY: RegistrySource = { id: 'r-1', name: 'Acme internal', url: 'https://registry.acme.example', official: false, enabled: true, hasToken: true };

const ISSUES: RegistryEntry = {
  registryId: 'official',
  registryName: 'MCP Registry',
  name: 'io.github.acme/issues',
  title: 'Acme Issues',
  description: 'Track and triage Acme issues. <img src=x onerror="window.hacked=1">',
  version: '1.1.0',
  publisher: 'io.github.acme',
  repositoryUrl: 'https://github.com/acme/issues-mcp',
  status: 'active',
  remotes: [
    {
      transport: 'streamable-http',
      url: 'https://mcp.acme.example/v2/mcp',
      headers: [
        { name: 'X-Acme-Workspace', description: 'Your workspace slug.', required: true, secret: false },
        { name: 'X-Api-Key', description: 'An API key from Settings › API keys.', required: true, secret: true },
      ],
      variables: [],
    },
  ],
};

const page = (registryId: string, entries: RegistryEntry[], extra: Partial<RegistryPage> = {}): Result<RegistryPage> =>
  ok({ registryId, entries, skipped: [], localOnly: 0, ...extra });

function renderFlow(extra: Partial<Parameters<typeof AddServerFlow>[0]> = {}) {
  const props = { clients: [], onAdded: vi.fn(), onOpenServer: vi.fn(), onCancel: vi.fn(), ...extra };
  return { props, ...render(<AddServerFlow {...props} />) };
}

describe('registry search in the add flow', () => {
  it('shows each registry as it answers: one slow (spinner), one failing (its sentence), results usable meanwhile', async () => {
    const user = userEvent.setup();
    const slow = deferred<Result<RegistryPage>>();
    installFakeBridge({
      'registry:sources': () => ok([OFFICIAL, COMPANY]),
      'registry:search': (arg: { registryId: string }) => (arg.registryId === 'official' ? page('official', [ISSUES], { localOnly: 2 }) : slow.promise),
    });
    renderFlow();
    const search = await screen.findByLabelText('Search MCP Registry and Acme internal');
    expect(search).toHaveFocus();
    await user.type(search, 'acme');
    const official = await screen.findByRole('region', { name: 'Results from MCP Registry' });
    expect(await within(official).findByText('Acme Issues')).toBeInTheDocument();
    expect(within(official).getByText(/2 more run only on this computer/)).toBeInTheDocument();
    const company = screen.getByRole('region', { name: 'Results from Acme internal' });
    expect(within(company).getByRole('status')).toHaveTextContent('Searching…');
    slow.resolve(fail('The registry registry.acme.example did not answer within 10 s.'));
    expect(await within(company).findByRole('alert')).toHaveTextContent('did not answer within 10 s');
    // Hostile text is text: no element is made from it.
    expect(within(official).getByText(/Track and triage/)).toHaveTextContent('<img src=x onerror="window.hacked=1">');
    expect(document.querySelector('.registry-list img')).toBeNull();
  });

  it('picking fills the URL, name and the headers it asks for (secrets masked); Check says what is missing; the add carries the origin', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'registry:sources': () => ok([OFFICIAL]),
      'registry:search': () => page('official', [ISSUES]),
      'servers:probe': (arg: { url: string }) => ok({ url: arg.url, reachable: true, transport: 'streamable-http', signIn: 'not-needed', suggestedName: 'x' }),
      'servers:add': () => ok(server('issues')),
    });
    renderFlow();
    await user.type(await screen.findByLabelText(/^Search/), 'issues');
    await user.click(await screen.findByRole('button', { name: 'Use Acme Issues' }));
    const picked = screen.getByTestId('picked-entry');
    expect(picked).toHaveTextContent('From MCP Registry · io.github.acme/issues');
    expect(screen.getByLabelText('Server URL')).toHaveValue('https://mcp.acme.example/v2/mcp');
    const key = screen.getByLabelText(/^X-Api-Key/);
    expect(key).toHaveAttribute('type', 'password');
    expect(key).toHaveAccessibleDescription('An API key from Settings › API keys.');
    expect(screen.getByLabelText(/^X-Acme-Workspace/)).toHaveAttribute('type', 'text');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByTestId('url-problem')).toHaveTextContent('Fill in the X-Acme-Workspace and X-Api-Key header first');
    expect(fake.callsOf('servers:probe')).toEqual([]);
    await user.type(screen.getByLabelText(/^X-Acme-Workspace/), 'team');
    await user.type(screen.getByLabelText(/^X-Api-Key/), 'k-123');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByLabelText('Name')).toHaveValue('Acme Issues');
    expect(fake.callsOf('servers:probe')[0]).toEqual({ url: 'https://mcp.acme.example/v2/mcp', headers: { 'X-Acme-Workspace': 'team', 'X-Api-Key': 'k-123' } });
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(fake.callsOf('servers:add')).toHaveLength(1));
    expect(fake.callsOf('servers:add')[0]).toEqual({
      url: 'https://mcp.acme.example/v2/mcp',
      name: 'Acme Issues',
      headers: { 'X-Acme-Workspace': 'team', 'X-Api-Key': 'k-123' },
      origin: { registryId: 'official', name: 'io.github.acme/issues', version: '1.1.0' },
    });
  });

  it('the repository opens through the core; the page has no link of its own', async () => {
    const user = userEvent.setup();
    const fake = installFakeBridge({
      'registry:sources': () => ok([OFFICIAL]),
      'registry:search': () => page('official', [ISSUES]),
      'registry:open-link': () => ok(undefined),
    });
    renderFlow();
    await user.type(await screen.findByLabelText(/^Search/), 'issues');
    await user.click(await screen.findByRole('button', { name: 'Source' }));
    expect(fake.callsOf('registry:open-link')).toEqual([{ registryId: 'official', name: 'io.github.acme/issues', which: 'repository' }]);
    expect(document.querySelectorAll('a[href]')).toHaveLength(0);
  });

  it('more results page in with the cursor', async () => {
    const user = userEvent.setup();
    const second = { ...ISSUES, name: 'io.github.acme/wiki', title: 'Acme Wiki' };
    const fake = installFakeBridge({
      'registry:sources': () => ok([OFFICIAL]),
      'registry:search': (arg: { cursor?: string }) => (arg.cursor ? page('official', [second]) : page('official', [ISSUES], { nextCursor: 'c2' })),
    });
    renderFlow();
    await user.type(await screen.findByLabelText(/^Search/), 'acme');
    await user.click(await screen.findByRole('button', { name: 'Show more from MCP Registry' }));
    expect(await screen.findByText('Acme Wiki')).toBeInTheDocument();
    expect(screen.getByText('Acme Issues')).toBeInTheDocument();
    expect(fake.callsOf('registry:search').at(-1)).toEqual({ registryId: 'official', query: 'acme', cursor: 'c2' });
  });

  it('a pasted domain is looked up in what the site publishes, then checked at the address it names', async () => {
    const user = userEvent.setup();
    const card: RegistryEntry = {
      ...ISSUES,
      registryId: 'card',
      registryName: 'example.com',
      name: 'com.example/docs',
      title: 'Example Docs',
      repositoryUrl: undefined,
      remotes: [{ transport: 'streamable-http', url: 'https://docs.example.com/mcp', headers: [], variables: [] }],
    };
    const fake = installFakeBridge({
      'registry:resolve-domain': () => ok(card),
      'servers:probe': (arg: { url: string }) => ok({ url: arg.url, reachable: true, transport: 'streamable-http', signIn: 'not-needed', suggestedName: 'x' }),
      'servers:add': () => ok(server('docs')),
    });
    renderFlow();
    await user.type(screen.getByLabelText('Server URL'), 'example.com');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByLabelText('Name')).toHaveValue('Example Docs');
    expect(fake.callsOf('registry:resolve-domain')).toEqual([{ input: 'example.com' }]);
    expect(fake.callsOf('servers:probe')).toEqual([{ url: 'https://docs.example.com/mcp' }]);
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(fake.callsOf('servers:add')).toHaveLength(1));
    // A site's card is no registry: nothing to look for updates in.
    expect(fake.callsOf('servers:add')[0]).toEqual({ url: 'https://docs.example.com/mcp', name: 'Example Docs' });
  });

  it('an install link shows where it came from and what it adds; nothing is probed or added until the user presses', async () => {
    const fake = installFakeBridge({ 'registry:sources': () => ok([OFFICIAL]) });
    const link = 'mcp-switchboard://install?name=io.github.acme%2Fissues';
    renderFlow({ proposal: { url: ISSUES.remotes[0]!.url, name: 'Acme Issues', entry: ISSUES, link } });
    const banner = await screen.findByTestId('proposal');
    expect(banner).toHaveTextContent(
      'A link asks to add Acme Issues (io.github.acme/issues, version 1.1.0) from MCP Registry, at https://mcp.acme.example/v2/mcp',
    );
    expect(screen.getByTestId('proposal-link')).toHaveTextContent(link);
    expect(screen.getByLabelText(/^X-Api-Key/)).toHaveValue('');
    expect(screen.getByLabelText('Server URL')).toHaveValue('https://mcp.acme.example/v2/mcp');
    expect(fake.calls.filter((c) => c.name !== 'registry:sources')).toEqual([]);
  });

  it('an install link that could not be followed says why', async () => {
    installFakeBridge({});
    renderFlow({
      proposal: {
        url: '',
        link: 'mcp-switchboard://install?registry=https%3A%2F%2Fevil.example&name=a%2Fb',
        problem: 'The link names a registry that is not in Settings ▸ Registries (https://evil.example).',
      },
    });
    expect(await screen.findByTestId('proposal')).toHaveTextContent(
      'A link could not be followed: The link names a registry that is not in Settings ▸ Registries',
    );
  });
});

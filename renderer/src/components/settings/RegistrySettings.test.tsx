// @vitest-environment jsdom
/**
 * Settings ▸ Registries against the FAKE bridge (test/fake-bridge.ts), which keeps a list the way
 * the core does (the core's own rules are tested in main/core/registry): what the panel sends, and
 * that a token typed is sent once and never shown again.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrySource } from '../../../../common/contract';
import { fail, installFakeBridge, ok } from '../../test/fake-bridge';
import { RegistrySettings } from './RegistrySettings';

afterEach(cleanup);

describe('RegistrySettings', () => {
  it('turns the public registry off, adds a private one with a token (never shown again), removes it', async () => {
    let sources: RegistrySource[] = [
      { id: 'official', name: 'MCP Registry', url: 'https://registry.modelcontextprotocol.io', official: true, enabled: true, hasToken: false },
    ];
    const bridge = installFakeBridge({
      'registry:sources': () => ok(sources),
      'registry:update-source': (arg: { registryId: string; enabled: boolean }) => {
        sources = sources.map((s) => (s.id === arg.registryId ? { ...s, enabled: arg.enabled } : s));
        return ok(sources[0]);
      },
      'registry:add-source': (arg: { url: string; name?: string; token?: string }) => {
        if (!arg.url.startsWith('https://')) return fail('A registry must be served over https://.');
        const s = { id: 'r-1', name: arg.name ?? 'x', url: arg.url, official: false, enabled: true, hasToken: !!arg.token };
        sources = [...sources, s];
        return ok(s);
      },
      'registry:remove-source': () => {
        sources = sources.slice(0, 1);
        return ok(undefined);
      },
    });
    const user = userEvent.setup();
    render(<RegistrySettings />);
    await user.click(await screen.findByRole('checkbox', { name: 'Search MCP Registry' }));
    expect(bridge.callsOf('registry:update-source')).toEqual([{ registryId: 'official', enabled: false }]);
    expect(await screen.findByRole('status')).toHaveTextContent('MCP Registry is not searched any more.');
    expect(screen.getByRole('checkbox', { name: 'Search MCP Registry' })).not.toBeChecked();

    await user.type(screen.getByLabelText('Registry URL'), 'http://registry.acme.example');
    await user.click(screen.getByRole('button', { name: 'Add registry' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('https://');
    await user.clear(screen.getByLabelText('Registry URL'));
    await user.type(screen.getByLabelText('Registry URL'), 'https://registry.acme.example');
    await user.type(screen.getByLabelText(/^Name/), 'Acme internal');
    await user.type(screen.getByLabelText(/^Bearer token/), 'corp-token');
    await user.click(screen.getByRole('button', { name: 'Add registry' }));
    const row = (await screen.findAllByTestId('registry-source'))[1]!;
    expect(row).toHaveTextContent('Acme internal');
    expect(row).toHaveTextContent('token in the vault');
    expect(bridge.callsOf('registry:add-source').at(-1)).toEqual({ url: 'https://registry.acme.example', name: 'Acme internal', token: 'corp-token' });
    expect(screen.getByLabelText(/^Bearer token/)).toHaveValue('');
    expect(document.body.textContent).not.toContain('corp-token');
    await user.click(within(row).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Removed Acme internal');
    expect(screen.getAllByTestId('registry-source')).toHaveLength(1);
  });
});

// @vitest-environment jsdom
/** The update offer on a server's page, against the FAKE bridge (the core's check is tested in main/core/registry). */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, installFakeBridge, ok, server } from '../test/fake-bridge';
import { RegistryUpdate } from './RegistryUpdate';

afterEach(cleanup);

describe('RegistryUpdate', () => {
  it('says what the newer version changes and applies it with the new header value', async () => {
    let tries = 0;
    const bridge = installFakeBridge({
      'registry:check-update': () =>
        ok({
          serverId: 'acme',
          current: '1.0.0',
          latest: '1.1.0',
          url: 'https://mcp.acme.example/v2/mcp',
          changes: ['The address changed to https://mcp.acme.example/v2/mcp.', 'A new required header X-Api-Key: An API key.'],
          newHeaders: [{ name: 'X-Api-Key', description: 'An API key.', required: true, secret: true }],
        }),
      'registry:apply-update': () => (tries++ === 0 ? fail('Version 1.1.0 needs the header X-Api-Key: give its value.') : ok(server('acme'))),
    });
    const user = userEvent.setup();
    render(<RegistryUpdate server={server('acme')} />);
    const panel = await screen.findByTestId('registry-update');
    expect(panel).toHaveTextContent('Version 1.1.0 is out (you have 1.0.0)');
    expect(panel).toHaveTextContent('The address changed to https://mcp.acme.example/v2/mcp.');
    await user.click(screen.getByRole('button', { name: 'Apply the update' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('needs the header X-Api-Key');
    const key = screen.getByLabelText(/^X-Api-Key/);
    expect(key).toHaveAttribute('type', 'password');
    await user.type(key, 'k-1');
    await user.click(screen.getByRole('button', { name: 'Apply the update' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Updated to version 1.1.0.');
    expect(bridge.callsOf('registry:apply-update').at(-1)).toEqual({ serverId: 'acme', headers: { 'X-Api-Key': 'k-1' } });
  });

  it('shows nothing for a server not added from a registry', async () => {
    const bridge = installFakeBridge({});
    const { container } = render(<RegistryUpdate server={server('plain')} />);
    // The core answered "no update" (null): the page shows nothing.
    await waitFor(() => expect(bridge.callsOf('registry:check-update')).toEqual([{ serverId: 'plain' }]));
    expect(container).toBeEmptyDOMElement();
  });
});

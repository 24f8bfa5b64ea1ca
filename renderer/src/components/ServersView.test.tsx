// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOW, server } from '../test/fake-bridge';
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

  it('shows each server with its state in words, counters and token expiry', () => {
    render(<ServersView servers={servers} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={() => {}} onRetry={() => {}} />);
    const rows = screen.getAllByTestId('server');
    expect(rows.map((r) => within(r).getByTestId('state').textContent)).toEqual(['Ready', 'Retrying', 'Needs sign-in', 'Disabled']);
    const linear = within(rows[0]!);
    expect(linear.getByText('https://mcp.linear.example/mcp')).toBeInTheDocument();
    expect(linear.getByTestId('connections')).toHaveTextContent('2');
    expect(linear.getByTestId('requests')).toHaveTextContent('1,284');
    expect(linear.getByTestId('errors')).toHaveTextContent('3');
    expect(linear.getByTestId('sign-in-state')).toHaveTextContent('Expires in 42 min');
    expect(within(rows[1]!).getByTestId('state-detail')).toHaveTextContent('Upstream answered 502 Bad Gateway. Next attempt in 12 s.');
    expect(within(rows[1]!).getByTestId('sign-in-state')).toHaveTextContent('Expired 5 min ago');
    expect(within(rows[2]!).getByTestId('state-detail')).toHaveTextContent('Sign in before clients can use it.');
    expect(within(rows[3]!).getByTestId('state-detail')).toHaveTextContent('Disabled: clients cannot use it until you enable it.');
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

  it('offers the add flow when empty, and a retry when the list failed', async () => {
    const onAdd = vi.fn();
    const onRetry = vi.fn();
    const user = userEvent.setup();
    const { rerender } = render(<ServersView servers={[]} load={{ kind: 'ready' }} now={NOW} onOpen={() => {}} onAdd={onAdd} onRetry={onRetry} />);
    await user.click(screen.getByRole('button', { name: 'Add your first server' }));
    expect(onAdd).toHaveBeenCalledTimes(1);
    rerender(
      <ServersView servers={[]} load={{ kind: 'failed', error: 'The core is not running' }} now={NOW} onOpen={() => {}} onAdd={onAdd} onRetry={onRetry} />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the servers: The core is not running');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

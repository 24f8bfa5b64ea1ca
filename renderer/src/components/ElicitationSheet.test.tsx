// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { PendingElicitation } from '../../../common/contract';
import { fail, installFakeBridge, ok } from '../test/fake-bridge';
import { ElicitationSheet } from './ElicitationSheet';

afterEach(cleanup);

const formQuestion: PendingElicitation = {
  id: 'q1',
  serverId: 'deploys',
  serverName: 'Deploys',
  mode: 'form',
  message: 'Where should it go?',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', title: 'Your name' },
      count: { type: 'integer', title: 'Copies', default: 2 },
      region: {
        type: 'string',
        title: 'Region',
        oneOf: [
          { const: 'eu', title: 'Europe' },
          { const: 'us', title: 'America' },
        ],
        default: 'eu',
      },
      notify: { type: 'boolean', title: 'Notify me' },
    },
    required: ['name'],
  },
  expiresAt: 0,
};

const urlQuestion: PendingElicitation = {
  id: 'q2',
  serverId: 'deploys',
  serverName: 'Deploys',
  mode: 'url',
  message: 'Connect your account',
  url: 'https://auth.example.com/connect?token=[redacted]',
  domain: 'auth.example.com',
  expiresAt: 0,
};

describe('ElicitationSheet', () => {
  it('shows nothing while no server asks', async () => {
    const fake = installFakeBridge({ 'elicitation:list': () => ok([]) });
    render(<ElicitationSheet />);
    await waitFor(() => expect(fake.callsOf('elicitation:list')).toHaveLength(1));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('builds the form from the schema (types, defaults, choices) and sends the values typed', async () => {
    const fake = installFakeBridge({ 'elicitation:list': () => ok([formQuestion]), 'elicitation:answer': () => ok(undefined) });
    render(<ElicitationSheet />);
    const dialog = await screen.findByRole('dialog', { name: 'Deploys asks' });
    expect(dialog).toHaveTextContent('Where should it go?');
    expect(screen.getByLabelText(/Copies/)).toHaveValue(2);
    expect(screen.getByLabelText(/Region/)).toHaveValue('eu');
    await userEvent.type(screen.getByLabelText(/Your name/), 'Ada');
    await userEvent.selectOptions(screen.getByLabelText(/Region/), 'us');
    await userEvent.click(screen.getByLabelText('Notify me'));
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(fake.callsOf('elicitation:answer')).toEqual([{ id: 'q1', action: 'accept', content: { name: 'Ada', count: 2, region: 'us', notify: true } }]);
    // The next question (or none) arrives as an event.
    act(() => fake.emit('elicitation:did-change', []));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the refusal and keeps the form when the values do not fit; decline and cancel send no values', async () => {
    const refusal = 'Your name must be at least 2 characters.';
    const fake = installFakeBridge({
      'elicitation:list': () => ok([formQuestion]),
      'elicitation:answer': (a) => (a.action === 'accept' ? fail(refusal) : ok(undefined)),
    });
    render(<ElicitationSheet />);
    await userEvent.type(await screen.findByLabelText(/Your name/), 'A');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(refusal);
    expect(screen.getByLabelText(/Your name/)).toHaveValue('A');
    await userEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('elicitation:answer').slice(1)).toEqual([
      { id: 'q1', action: 'decline' },
      { id: 'q1', action: 'cancel' },
    ]);
  });

  it('asks consent for a page, naming its domain, before anything opens', async () => {
    const fake = installFakeBridge({ 'elicitation:list': () => ok([urlQuestion]), 'elicitation:answer': () => ok(undefined) });
    render(<ElicitationSheet />);
    await screen.findByRole('dialog', { name: 'Deploys wants to open a page' });
    expect(screen.getByTestId('elicitation-domain')).toHaveTextContent('auth.example.com');
    expect(fake.callsOf('elicitation:answer')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Open auth.example.com' }));
    expect(fake.callsOf('elicitation:answer')).toEqual([{ id: 'q2', action: 'accept' }]);
  });
});

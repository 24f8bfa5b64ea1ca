// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
/**
 * Settings ▸ Network and Settings ▸ Company sign-in (issue 17) against the FAKE bridge
 * (test/fake-bridge.ts): what they send, and that a password or secret typed is never shown again.
 */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../../common/contract';
import { installFakeBridge, ok } from '../../test/fake-bridge';
import { CompanySignIn } from './CompanySignIn';
import { NetworkSettings } from './NetworkSettings';

afterEach(cleanup);

const SETTINGS: AppSettings = { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'light', weakStorage: 'ask', newServerTools: 'review' };

describe('NetworkSettings', () => {
  it('saves the CA file and the proxy user, and sends the password to the vault once', async () => {
    const bridge = installFakeBridge({ 'network:set-proxy-password': () => ok(undefined) });
    const saved: Array<Partial<AppSettings>> = [];
    render(<NetworkSettings settings={SETTINGS} save={async (p) => void saved.push(p)} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Extra CA certificate file/), '/etc/corp/root.pem');
    await user.click(screen.getByRole('button', { name: 'Save CA file' }));
    await user.type(screen.getByLabelText('User name'), 'ann');
    await user.type(screen.getByLabelText('Password'), 'pw-typed');
    await user.click(screen.getByRole('button', { name: 'Save proxy sign-in' }));
    expect(saved).toEqual([{ caFile: '/etc/corp/root.pem' }, { proxyUsername: 'ann' }]);
    expect(bridge.callsOf('network:set-proxy-password')).toEqual([{ password: 'pw-typed' }]);
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(await screen.findByRole('status')).toHaveTextContent('kept in the vault');
  });
});

describe('CompanySignIn', () => {
  it('configures the identity provider, signs in there, and says as whom', async () => {
    const bridge = installFakeBridge({
      'enterprise:status': () => ok({ configured: false, hasClientSecret: false, signedIn: false }),
      'enterprise:configure': (arg: { issuer: string; clientId: string }) =>
        ok({ configured: true, issuer: arg.issuer, clientId: arg.clientId, hasClientSecret: true, signedIn: false }),
      'enterprise:sign-in': () =>
        ok({ configured: true, issuer: 'https://login.corp.example', clientId: 'sb', hasClientSecret: true, signedIn: true, account: 'ann@corp.example' }),
    });
    render(<CompanySignIn />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Identity provider (issuer)'), 'https://login.corp.example');
    await user.type(screen.getByLabelText('Client ID'), 'sb');
    await user.type(screen.getByLabelText(/Client secret/), 'idp-secret');
    await user.click(screen.getByRole('button', { name: 'Save identity provider' }));
    expect(bridge.callsOf('enterprise:configure')).toEqual([{ issuer: 'https://login.corp.example', clientId: 'sb', clientSecret: 'idp-secret' }]);
    expect((screen.getByLabelText(/Client secret/) as HTMLInputElement).value).toBe('');
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Signed in as ann@corp.example.');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });
});

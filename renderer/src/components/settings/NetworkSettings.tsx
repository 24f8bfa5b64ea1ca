import { useEffect, useId, useState } from 'react';
import type { AppSettings } from '../../../../common/contract';
import { call } from '../../api';

interface Props {
  settings?: AppSettings;
  save: (patch: Partial<AppSettings>, what: string) => Promise<void>;
}

/**
 * Settings ▸ Network: a CA certificate file trusted for every server (besides the system's store
 * and NODE_EXTRA_CA_CERTS), and the user name and password for the system's proxy when it asks
 * for one (the password goes to the vault and is never shown again). The proxy itself comes from
 * the system's settings or HTTPS_PROXY; a server can have its own under Advanced.
 */
export function NetworkSettings({ settings, save }: Props) {
  const caId = useId();
  const userId = useId();
  const passwordId = useId();
  const [caFile, setCaFile] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  useEffect(() => {
    setCaFile(settings?.caFile ?? '');
    setUser(settings?.proxyUsername ?? '');
  }, [settings?.caFile, settings?.proxyUsername]);

  async function saveProxyUser() {
    await save({ proxyUsername: user.trim() }, user.trim() ? `The proxy user is ${user.trim()}.` : 'No proxy user.');
    if (!password && user.trim()) return;
    const r = await call('network:set-proxy-password', { password: user.trim() ? password : null });
    setPassword('');
    setMessage(r.ok ? { ok: true, text: 'The proxy password is kept in the vault.' } : { ok: false, text: r.error });
  }

  return (
    <div className="card panel" data-testid="network-settings">
      <h3 className="panel-title">Network</h3>
      <p className="muted small">
        Servers are reached through your system&apos;s proxy settings (or HTTPS_PROXY and NO_PROXY), and trust the certificates your system trusts.
      </p>
      <label className="field" htmlFor={caId}>
        <span>
          Extra CA certificate file <em>PEM: your company&apos;s root, for a TLS-inspecting proxy</em>
        </span>
      </label>
      <div className="row-gap">
        <input
          id={caId}
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="/path/to/company-root.pem"
          value={caFile}
          disabled={!settings}
          onChange={(e) => setCaFile(e.target.value)}
        />
        <button
          type="button"
          className="btn btn-small"
          disabled={!settings}
          onClick={() => void save({ caFile: caFile.trim() }, caFile.trim() ? 'The CA file is trusted.' : 'No extra CA file.')}
        >
          Save CA file
        </button>
      </div>
      <fieldset className="fieldset">
        <legend>Proxy sign-in</legend>
        <div className="two-fields">
          <label className="field" htmlFor={userId}>
            <span>User name</span>
            <input id={userId} type="text" autoComplete="off" spellCheck={false} value={user} disabled={!settings} onChange={(e) => setUser(e.target.value)} />
          </label>
          <label className="field" htmlFor={passwordId}>
            <span>Password</span>
            <input id={passwordId} type="password" autoComplete="off" value={password} disabled={!settings} onChange={(e) => setPassword(e.target.value)} />
          </label>
        </div>
        <button type="button" className="btn btn-small" disabled={!settings} onClick={() => void saveProxyUser()}>
          Save proxy sign-in
        </button>
      </fieldset>
      {message && (
        <p className={message.ok ? 'muted small' : 'form-error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

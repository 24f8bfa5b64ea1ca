import { useEffect, useId, useState } from 'react';
import type { EnterpriseStatus, Result } from '../../../../common/contract';
import { call } from '../../api';

/**
 * Settings ▸ Company sign-in (enterprise-managed authorization): the company's identity provider
 * (its issuer, the app's client there, an optional client secret kept in the vault) and the one
 * sign-in there that serves every server set to sign in "through your company's identity provider".
 */
export function CompanySignIn() {
  const issuerId = useId();
  const clientId = useId();
  const secretId = useId();
  const [status, setStatus] = useState<EnterpriseStatus | undefined>();
  const [issuer, setIssuer] = useState('');
  const [client, setClient] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    void call('enterprise:status', undefined).then((r) => {
      // A host without sign-in answers nothing useful: the form stays empty.
      if (!r.ok) return;
      setStatus(r.value);
      setIssuer(r.value.issuer ?? '');
      setClient(r.value.clientId ?? '');
    });
  }, []);

  async function run(p: Promise<Result<EnterpriseStatus>>) {
    setBusy(true);
    setError(undefined);
    const r = await p;
    setBusy(false);
    if (r.ok) setStatus(r.value);
    else setError(r.error);
  }

  function configure() {
    void run(call('enterprise:configure', { issuer: issuer.trim(), clientId: client.trim(), ...(secret ? { clientSecret: secret } : {}) }));
    setSecret('');
  }

  return (
    <div className="card panel" data-testid="company-sign-in">
      <h3 className="panel-title">Company sign-in</h3>
      <p className="muted small">
        Sign in once to your company&apos;s identity provider; servers set to use it then connect without a browser tab of their own.
      </p>
      <div className="two-fields">
        <label className="field" htmlFor={issuerId}>
          <span>Identity provider (issuer)</span>
          <input
            id={issuerId}
            type="url"
            spellCheck={false}
            autoComplete="off"
            placeholder="https://login.example.com"
            value={issuer}
            onChange={(e) => setIssuer(e.target.value)}
          />
        </label>
        <label className="field" htmlFor={clientId}>
          <span>Client ID</span>
          <input id={clientId} type="text" spellCheck={false} autoComplete="off" value={client} onChange={(e) => setClient(e.target.value)} />
        </label>
      </div>
      <label className="field" htmlFor={secretId}>
        <span>
          Client secret <em>{status?.hasClientSecret ? 'kept; type to replace' : 'if your identity provider gave one'}</em>
        </span>
        <input id={secretId} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
      </label>
      <div className="row-gap">
        <button type="button" className="btn btn-small" disabled={busy || !issuer.trim() || !client.trim()} onClick={configure}>
          Save identity provider
        </button>
        {status?.configured && !status.signedIn && (
          <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void run(call('enterprise:sign-in', undefined))}>
            {busy ? 'Waiting for the browser…' : 'Sign in'}
          </button>
        )}
        {status?.signedIn && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void run(call('enterprise:sign-out', undefined))}>
            Sign out
          </button>
        )}
      </div>
      {status?.signedIn && (
        <p className="muted small" role="status">
          Signed in{status.account ? ` as ${status.account}` : ''}.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

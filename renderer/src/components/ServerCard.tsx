import { useEffect, useState } from 'react';
import type { ClientApp, ServerSummary } from '../../../preload/contract';
import { InstallPanel } from './InstallPanel';
import { call } from '../api';
import { count, hostOf, pillFor, relativeTime, untilTime } from '../format';
import { LogTail } from './LogTail';

interface Props {
  server: ServerSummary;
  /** MCP client apps on this machine (for "Install into"). */
  clients: ClientApp[];
  now: number;
  onChanged: (server: ServerSummary) => void;
  onRemoved: (serverId: string) => void;
}

type Busy = 'restart' | 'toggle' | 'remove' | 'sign-in' | 'reset' | undefined;

export function ServerCard({ server, clients, now, onChanged, onRemoved }: Props) {
  const { status } = server;
  const pill = pillFor(server);
  const [busy, setBusy] = useState<Busy>();
  const [error, setError] = useState<string | undefined>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [logsOpen, setLogsOpen] = useState(false);

  // The "Confirm remove" state times out so a stray click later does not remove anything.
  useEffect(() => {
    if (!confirmRemove) return;
    const t = setTimeout(() => setConfirmRemove(false), 4000);
    return () => clearTimeout(t);
  }, [confirmRemove]);

  async function run(kind: Exclude<Busy, undefined>, action: () => Promise<{ ok: boolean; error?: string }>) {
    setBusy(kind);
    setError(undefined);
    const result = await action();
    setBusy(undefined);
    if (!result.ok) setError(result.error);
  }

  const restart = () => run('restart', () => call('servers:restart', { serverId: server.id }));
  const signIn = () => run('sign-in', () => call('auth:sign-in', { serverId: server.id }));
  const resetSignIn = () => run('reset', () => call('auth:reset', { serverId: server.id }));
  const toggle = () =>
    run('toggle', async () => {
      const r = await call('servers:set-enabled', { serverId: server.id, enabled: !server.enabled });
      if (r.ok) onChanged(r.value);
      return r;
    });
  const remove = () => {
    if (!confirmRemove) {
      setConfirmRemove(true);
      return;
    }
    setConfirmRemove(false);
    void run('remove', async () => {
      const r = await call('servers:remove', { serverId: server.id });
      if (r.ok) onRemoved(server.id);
      return r;
    });
  };

  const explanation =
    status.state === 'retrying' && status.nextRetryAt
      ? `${status.detail ? `${status.detail}. ` : ''}Next attempt in ${untilTime(status.nextRetryAt, now)}.`
      : status.detail;

  return (
    <li className={`card server server-${pill.tone}`} data-testid="server" data-server-id={server.id}>
      <div className="server-head">
        <div className="server-title">
          <h3>{server.name}</h3>
          <span className="server-url" title={server.url}>
            {server.url}
          </span>
        </div>
        <span className={`pill pill-${pill.tone}`} data-testid="state">
          <span className="pill-dot" aria-hidden="true" />
          {pill.label}
        </span>
      </div>

      {server.enabled && explanation && <p className="server-detail">{explanation}</p>}
      {server.enabled && status.lastError && (
        <p className="server-last-error" data-testid="last-error">
          <span className="label">Last error</span> {status.lastError}
        </p>
      )}

      <dl className="counters">
        <div>
          <dt>Connections</dt>
          <dd data-testid="connections">
            {count(status.counters.connections)}
            <small> open · {count(status.counters.connectionsTotal)} total</small>
          </dd>
        </div>
        <div>
          <dt>Requests</dt>
          <dd data-testid="requests">{count(status.counters.requests)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd data-testid="errors" className={status.counters.errors > 0 ? 'has-errors' : undefined}>
            {count(status.counters.errors)}
          </dd>
        </div>
        <div>
          <dt>{server.enabled ? 'In this state for' : 'Disabled for'}</dt>
          <dd>
            {relativeTime(status.since, now)}
            {status.restarts > 0 && <small> · {status.restarts} restart{status.restarts === 1 ? '' : 's'}</small>}
          </dd>
        </div>
      </dl>

      {server.enabled && <InstallPanel serverId={server.id} clients={clients} />}

      <div className="server-actions">
        {server.enabled && status.state === 'needs-sign-in' && (
          <button type="button" className="btn btn-primary" onClick={signIn} disabled={busy !== undefined} data-testid="sign-in">
            {busy === 'sign-in' ? 'Waiting for the browser…' : 'Sign in'}
          </button>
        )}
        <button type="button" className="btn" onClick={restart} disabled={busy !== undefined || !server.enabled}>
          {busy === 'restart' ? 'Restarting…' : 'Restart'}
        </button>
        <button type="button" className="btn" onClick={toggle} disabled={busy !== undefined}>
          {busy === 'toggle' ? (server.enabled ? 'Disabling…' : 'Enabling…') : server.enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          className={`btn ${confirmRemove ? 'btn-danger' : 'btn-quiet-danger'}`}
          onClick={remove}
          disabled={busy !== undefined}
          aria-label={confirmRemove ? `Confirm removing ${server.name}` : `Remove ${server.name}`}
        >
          {busy === 'remove' ? 'Removing…' : confirmRemove ? 'Confirm remove' : 'Remove'}
        </button>
        {(server.signIn === 'signed-in' || server.signIn === 'error') && (
        <button
          type="button"
          className="btn btn-quiet"
          onClick={resetSignIn}
          disabled={busy !== undefined}
          title="Sign out: revoke and forget this server's tokens and client registration"
          data-testid="reset-sign-in"
        >
          {busy === 'reset' ? 'Resetting…' : 'Reset sign-in'}
        </button>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-ghost"
          aria-expanded={logsOpen}
          aria-controls={`logs-${server.id}`}
          onClick={() => setLogsOpen((o) => !o)}
        >
          {logsOpen ? 'Hide logs' : 'Show logs'}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {logsOpen && <LogTail serverId={server.id} id={`logs-${server.id}`} hostLabel={hostOf(server.url)} />}
    </li>
  );
}

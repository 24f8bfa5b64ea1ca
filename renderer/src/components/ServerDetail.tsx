import { useCallback, useEffect, useState } from 'react';
import type { ClientApp, InstallStatus, RemoveResult, ServerSummary, ToolInfo } from '../../../common/contract';
import { describeProtocol } from '../../../common/protocol-versions';
import { call } from '../api';
import { count, relativeTime, shownUrl, signInText, stateSentence, TRANSPORT_LABELS } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { InstallPanel } from './InstallPanel';
import { LogViewer } from './logs/LogViewer';
import { StatePill } from './StatePill';

interface Props {
  server: ServerSummary;
  /** Every server (the embedded log viewer labels lines with them). */
  servers: ServerSummary[];
  clients: ClientApp[];
  now: number;
  onBack: () => void;
  onChanged: (server: ServerSummary) => void;
  onRemoved: (server: ServerSummary, result: RemoveResult) => void;
  onInstallsChanged?: () => void;
}

type Busy = 'restart' | 'toggle' | 'sign-in' | undefined;
type Confirm = { kind: 'reset' } | { kind: 'remove'; installedIn?: string[] } | undefined;

/** One server: its state in plain words, tools, where it is installed, actions and its log. */
/**
 * The last error is history: once the server is ready it would read as a current fault, and when
 * the state sentence already says it (a sign-out, a crash loop) it would only repeat it.
 */
function showLastError(server: ServerSummary, now: number): boolean {
  const { status } = server;
  if (!server.enabled || !status.lastError || status.state === 'ready') return false;
  return status.lastError !== status.detail && !stateSentence(server, now).includes(status.lastError);
}

export function ServerDetail({ server, servers, clients, now, onBack, onChanged, onRemoved, onInstallsChanged }: Props) {
  const { status } = server;
  const [busy, setBusy] = useState<Busy>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<Confirm>();
  const [confirmBusy, setConfirmBusy] = useState(false);
  const [confirmError, setConfirmError] = useState<string | undefined>();

  async function run(kind: Exclude<Busy, undefined>, action: () => Promise<{ ok: boolean; error?: string }>, done?: string) {
    setBusy(kind);
    setError(undefined);
    setNotice(undefined);
    const result = await action();
    setBusy(undefined);
    if (!result.ok) setError(result.error);
    else if (done) setNotice(done);
  }

  const signIn = () => run('sign-in', () => call('auth:sign-in', { serverId: server.id }), `Signed in to ${server.name}.`);
  const restart = () => run('restart', () => call('servers:restart', { serverId: server.id }), 'Restarting the proxy…');
  const toggle = () =>
    run('toggle', async () => {
      const r = await call('servers:set-enabled', { serverId: server.id, enabled: !server.enabled });
      if (r.ok) onChanged(r.value);
      return r;
    });

  function openConfirm(next: Exclude<Confirm, undefined>) {
    setConfirmError(undefined);
    setConfirmBusy(false);
    setConfirm(next);
    if (next.kind === 'remove') {
      // Say where the server is installed, so "also removes it from the clients" is concrete.
      void call('clients:status', { serverId: server.id }).then((r) => {
        if (!r.ok) return;
        const names = r.value
          .filter((s: InstallStatus) => s.state === 'installed' || s.state === 'stale')
          .map((s) => clients.find((c) => c.id === s.clientId)?.name ?? s.clientId);
        setConfirm((c) => (c?.kind === 'remove' ? { kind: 'remove', installedIn: names } : c));
      });
    }
  }

  async function confirmed() {
    if (!confirm) return;
    setConfirmBusy(true);
    setConfirmError(undefined);
    if (confirm.kind === 'reset') {
      const r = await call('auth:reset', { serverId: server.id });
      setConfirmBusy(false);
      if (!r.ok) return setConfirmError(r.error);
      setConfirm(undefined);
      setNotice(`Signed out of ${server.name}. Its tokens and client registration are gone; sign in again to use it.`);
    } else {
      const r = await call('servers:remove', { serverId: server.id });
      setConfirmBusy(false);
      if (!r.ok) return setConfirmError(r.error);
      setConfirm(undefined);
      onRemoved(server, r.value);
    }
  }

  const showSignIn = server.enabled && (status.state === 'needs-sign-in' || server.signIn === 'needs-sign-in' || server.signIn === 'error');
  const canReset = server.signIn === 'signed-in' || server.signIn === 'error';
  const attention = server.enabled && ['error', 'needs-sign-in', 'retrying'].includes(status.state);

  return (
    <section className="view detail" aria-labelledby="detail-title" data-testid="server-detail" data-server-id={server.id}>
      <button type="button" className="btn-back" onClick={onBack}>
        <span aria-hidden="true">‹</span> All servers
      </button>

      <div className="detail-head">
        <div className="detail-title">
          <div className="detail-name">
            <h2 id="detail-title">{server.name}</h2>
            <StatePill server={server} />
          </div>
          <span className="server-url" title={shownUrl(server.url)}>
            {shownUrl(server.url)}
          </span>
        </div>
      </div>

      <div className="actions" aria-label="Server actions" role="group">
        {showSignIn && (
          <button type="button" className="btn btn-primary" onClick={signIn} disabled={busy !== undefined} data-testid="sign-in">
            {busy === 'sign-in' ? 'Waiting for the browser…' : 'Sign in'}
          </button>
        )}
        <button type="button" className="btn" onClick={restart} disabled={busy !== undefined || !server.enabled}>
          {busy === 'restart' ? 'Restarting…' : 'Restart proxy'}
        </button>
        <button type="button" className="btn" onClick={toggle} disabled={busy !== undefined}>
          {busy === 'toggle' ? (server.enabled ? 'Disabling…' : 'Enabling…') : server.enabled ? 'Disable' : 'Enable'}
        </button>
        {canReset && (
          <button type="button" className="btn" onClick={() => openConfirm({ kind: 'reset' })} disabled={busy !== undefined} data-testid="reset-sign-in">
            Reset sign-in
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="btn btn-quiet-danger" onClick={() => openConfirm({ kind: 'remove' })} disabled={busy !== undefined}>
          Remove server
        </button>
      </div>
      {busy === 'sign-in' && (
        <p className="note" role="status">
          Your browser opened the sign-in page. Finish there; this page updates by itself.
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {notice && !error && (
        <p className="note-ok" role="status">
          {notice}
        </p>
      )}

      <div className="card panel">
        <h3 className="panel-title">Status</h3>
        <p className={`detail-sentence${attention ? ' attention' : ''}`} data-testid="state-detail">
          {stateSentence(server, now)}
        </p>
        {showLastError(server, now) && (
          <p className="last-error" data-testid="last-error">
            <span className="label">Last error</span> {status.lastError}
          </p>
        )}
        <dl className="counters">
          <div>
            <dt>Clients connected</dt>
            <dd data-testid="connections">
              {count(status.counters.connections)}
              <small> now · {count(status.counters.connectionsTotal)} total</small>
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
            <dt>Sign-in</dt>
            <dd data-testid="sign-in-state">{signInText(server, now)}</dd>
          </div>
          <div>
            <dt>Transport</dt>
            <dd data-testid="transport">{status.transport ? TRANSPORT_LABELS[status.transport] : '—'}</dd>
          </div>
          <div>
            <dt>Protocol</dt>
            <dd data-testid="protocol">{status.protocol ? describeProtocol(status.protocol) : '—'}</dd>
          </div>
          <div>
            <dt>Stand-ins</dt>
            <dd>
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="stand-ins"
                  checked={server.standIns !== false}
                  onChange={(e) =>
                    void call('servers:set-stand-ins', { serverId: server.id, enabled: e.target.checked }).then((r) => r.ok && onChanged(r.value))
                  }
                />
                <span className="check-label">Ask here what a client cannot (elicitation)</span>
              </label>
            </dd>
          </div>
          <div>
            <dt>{server.enabled ? 'In this state for' : 'Disabled for'}</dt>
            <dd>
              {relativeTime(status.since, now)}
              {status.restarts > 0 && (
                <small>
                  {' '}
                  · {status.restarts} restart{status.restarts === 1 ? '' : 's'}
                </small>
              )}
            </dd>
          </div>
        </dl>
        {server.headerNames.length > 0 && (
          <p className="muted small">
            Sends extra headers: {server.headerNames.join(', ')} <span className="muted">(values stay in the app)</span>
          </p>
        )}
      </div>

      <div className="detail-grid">
        <div className="card panel">
          <h3 className="panel-title">Install into</h3>
          <InstallPanel serverId={server.id} clients={clients} onChanged={onInstallsChanged} />
        </div>
        <div className="card panel">
          <ToolsPanel server={server} />
        </div>
      </div>

      <div className="card panel panel-logs">
        <h3 className="panel-title">Log</h3>
        <LogViewer servers={servers} initialServerId={server.id} compact />
      </div>

      {confirm?.kind === 'reset' && (
        <ConfirmDialog
          title={`Reset sign-in for ${server.name}?`}
          confirmLabel="Reset sign-in"
          busyLabel="Resetting…"
          danger
          busy={confirmBusy}
          error={confirmError}
          onConfirm={() => void confirmed()}
          onCancel={() => setConfirm(undefined)}
        >
          <p>
            Switchboard revokes the tokens at the authorization server where it can, then forgets them and its client registration. Clients lose access to{' '}
            {server.name} until you sign in again.
          </p>
        </ConfirmDialog>
      )}
      {confirm?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${server.name}?`}
          confirmLabel="Remove server"
          busyLabel="Removing…"
          danger
          busy={confirmBusy}
          error={confirmError}
          onConfirm={() => void confirmed()}
          onCancel={() => setConfirm(undefined)}
        >
          <p>Its proxy stops, its tokens are forgotten, and it is also removed from the MCP clients where it is installed.</p>
          <p className="dialog-where" data-testid="remove-where">
            {confirm.installedIn === undefined
              ? 'Checking which clients have it…'
              : confirm.installedIn.length === 0
                ? 'It is not installed in any client.'
                : `Installed in: ${confirm.installedIn.join(', ')}.`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

type ToolsLoad = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; tools: ToolInfo[] } | { kind: 'failed'; error: string };

/** The tools the server offers, listed through its own proxy once it is ready. */
function ToolsPanel({ server }: { server: ServerSummary }) {
  const ready = server.enabled && server.status.state === 'ready';
  const [load, setLoad] = useState<ToolsLoad>({ kind: 'idle' });

  const fetchTools = useCallback(async () => {
    setLoad({ kind: 'loading' });
    const r = await call('servers:tools', { serverId: server.id });
    setLoad(r.ok ? { kind: 'ready', tools: r.value } : { kind: 'failed', error: r.error });
  }, [server.id]);

  useEffect(() => {
    if (ready) void fetchTools();
    else setLoad({ kind: 'idle' });
  }, [ready, fetchTools]);

  return (
    <div className="tools" data-testid="tools">
      <div className="panel-title-row">
        <h3 className="panel-title">Tools{load.kind === 'ready' && load.tools.length > 0 && <span className="count">{load.tools.length}</span>}</h3>
        {ready && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void fetchTools()} disabled={load.kind === 'loading'}>
            Refresh
          </button>
        )}
      </div>
      {load.kind === 'idle' && <p className="muted">The tools are listed once the server is ready.</p>}
      {load.kind === 'loading' && (
        <p className="muted" role="status">
          Loading tools…
        </p>
      )}
      {load.kind === 'failed' && (
        <p className="form-error" role="alert">
          Could not list the tools: {load.error}
        </p>
      )}
      {load.kind === 'ready' && load.tools.length === 0 && <p className="muted">The server offers no tools.</p>}
      {load.kind === 'ready' && load.tools.length > 0 && (
        <ul className="tool-list">
          {load.tools.map((t) => (
            <li key={t.name} data-testid="tool">
              <span className="tool-name">{t.title ?? t.name}</span>
              {t.title && t.title !== t.name && <code className="tool-id">{t.name}</code>}
              {t.description && <p className="tool-desc">{t.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { AppInfo, ClientApp, RemoveResult, ServerSummary, ServerTab } from '../../../common/contract';
import { describeProtocol } from '../../../common/protocol-versions';
import { signOutQuestion } from '../../../common/wording';
import { call } from '../api';
import { count, fixFor, relativeTime, shownUrl, signInStatus, stateSentence } from '../format';
import { useSignIn } from '../sign-in';
import { ConfirmDialog } from './ConfirmDialog';
import { InstallPanel } from './InstallPanel';
import { RegistryUpdate } from './RegistryUpdate';
import { ServerToolsSection } from './tools/ServerToolsSection';
import { LogViewer } from './logs/LogViewer';
import { ServerSettings } from './ServerSettings';
import { SignInWaiting } from './SignInWaiting';
import { StatePill } from './StatePill';
import { ToolsPanel } from './ToolsPanel';

interface Props {
  server: ServerSummary;
  /** Every server (the log viewer labels lines with them). */
  servers: ServerSummary[];
  clients: ClientApp[];
  now: number;
  info?: AppInfo;
  /** The tab to show (Overview by default); the tray's "Show log" opens the Log tab. */
  tab?: ServerTab;
  onTab?: (tab: ServerTab) => void;
  /** Start the sign-in on arrival (the tray asked, and the storage question had to be asked here). */
  signInOnOpen?: boolean;
  onBack: () => void;
  onChanged: (server: ServerSummary) => void;
  onRemoved: (server: ServerSummary, result: RemoveResult) => void;
  onInstallsChanged?: () => void;
}

const TABS: Array<{ id: ServerTab; label: string }> = [
  { id: 'overview', label: 'Overview' },
  { id: 'tools', label: 'Tools' },
  { id: 'log', label: 'Log' },
  { id: 'settings', label: 'Settings' },
];

/**
 * The last error is history: once the server is ready it would read as a current fault, and when
 * the state sentence already says it (a sign-out, a crash loop) it would only repeat it.
 */
function showLastError(server: ServerSummary, now: number): boolean {
  const { status } = server;
  if (!server.enabled || !status.lastError || status.state === 'ready') return false;
  return status.lastError !== status.detail && !stateSentence(server, now).includes(status.lastError);
}

/** The calls saved by a retry and lost to an upstream fault, today (counts of another day are not today's). */
function recoveryToday(server: ServerSummary, now: number): { saved: number; lost: number } {
  const c = server.status.counters;
  const d = new Date(now);
  const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return c.countedOn === today ? { saved: c.savedToday ?? 0, lost: c.lostToday ?? 0 } : { saved: 0, lost: 0 };
}

/** One server: its state and the fix it needs, then tabs (Overview, Tools, Log, Settings with Edit). */
export function ServerDetail(props: Props) {
  const { server, servers, clients, now, info, onBack, onChanged, onRemoved, onInstallsChanged } = props;
  const { status } = server;
  const recovery = recoveryToday(server, now);
  const [ownTab, setOwnTab] = useState<ServerTab>(props.tab ?? 'overview');
  const tab = props.tab ?? ownTab;
  const setTab = (t: ServerTab) => (props.onTab ? props.onTab(t) : setOwnTab(t));
  const ids = useId();
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const signIns = useSignIn();
  const signingIn = signIns.pending.has(server.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const [confirmBusy, setConfirmBusy] = useState(false);
  const [confirmError, setConfirmError] = useState<string | undefined>();
  const fix = fixFor(server);
  const signIn = signInStatus(server, now);
  const canSignOut = server.signIn === 'signed-in' || server.signIn === 'error';
  const attention = server.enabled && ['error', 'needs-sign-in', 'retrying'].includes(status.state);

  async function startSignIn() {
    setError(undefined);
    setNotice(undefined);
    const o = await signIns.signIn(server);
    if (o.kind === 'failed') setError(o.error);
    else if (o.kind === 'signed-in') setNotice(`Signed in to ${server.name}.`);
  }

  const asked = useRef(false);
  useEffect(() => {
    if (props.signInOnOpen && !asked.current) {
      asked.current = true;
      void startSignIn();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.signInOnOpen]);

  async function runFix() {
    if (!fix) return;
    if (fix.kind === 'sign-in') return startSignIn();
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    if (fix.kind === 'enable') {
      const r = await call('servers:set-enabled', { serverId: server.id, enabled: true });
      if (r.ok) onChanged(r.value);
      else setError(r.error);
    } else {
      const r = await call('servers:restart', { serverId: server.id });
      if (r.ok) setNotice(fix.kind === 'try-now' ? 'Trying again now…' : 'Restarting…');
      else setError(r.error);
    }
    setBusy(false);
  }

  async function signOut() {
    setConfirmBusy(true);
    setConfirmError(undefined);
    const r = await call('auth:reset', { serverId: server.id });
    setConfirmBusy(false);
    if (!r.ok) return setConfirmError(r.error);
    setConfirmSignOut(false);
    setNotice(undefined);
  }

  function onTabKey(e: KeyboardEvent, i: number) {
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : undefined;
    if (next === undefined) return;
    e.preventDefault();
    setTab(TABS[next]!.id);
    tabRefs.current[next]?.focus();
  }

  const question = signOutQuestion(server.name);

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

      <div className="detail-state card">
        <p className={`detail-sentence${attention ? ' attention' : ''}`} data-testid="state-detail">
          {stateSentence(server, now)}
        </p>
        {showLastError(server, now) && (
          <p className="last-error" data-testid="last-error">
            <span className="label">Last error</span> {status.lastError}
          </p>
        )}
        {signingIn ? (
          <SignInWaiting serverId={server.id} serverName={server.name} now={now} onCancel={() => void signIns.cancel(server.id)} />
        ) : (
          fix && (
            <div className="actions" role="group" aria-label="Fix">
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void runFix()}
                disabled={busy}
                data-testid={fix.kind === 'sign-in' ? 'sign-in' : 'fix'}
              >
                {busy ? `${fix.label}…` : fix.label}
              </button>
              {fix.kind === 'restart' && (
                <button type="button" className="btn" onClick={() => setTab('log')}>
                  Show log
                </button>
              )}
            </div>
          )
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
      </div>

      <div className="tabs" role="tablist" aria-label={`${server.name} sections`}>
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${ids}-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${ids}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className={tab === t.id ? 'tab tab-current' : 'tab'}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>

      <div className="tab-panel" role="tabpanel" id={`${ids}-panel`} aria-labelledby={`${ids}-tab-${tab}`}>
        {tab === 'overview' && (
          <>
            <RegistryUpdate server={server} />
            <div className="card panel">
              <h3 className="panel-title">Status</h3>
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
                    {status.counters.errors > 0 ? (
                      <button type="button" className="btn-link" onClick={() => setTab('log')}>
                        {count(status.counters.errors)}
                      </button>
                    ) : (
                      count(status.counters.errors)
                    )}
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
                <div className="wide">
                  <dt>Calls today</dt>
                  <dd data-testid="recovery" className={recovery.lost > 0 ? 'has-errors wrap' : 'wrap'}>
                    {count(recovery.saved)} saved by a retry
                    <small> · {count(recovery.lost)} lost</small>
                  </dd>
                </div>
                <div className="wide">
                  <dt>Protocol</dt>
                  <dd data-testid="protocol" className="wrap">
                    {status.protocol ? describeProtocol(status.protocol) : '—'}
                  </dd>
                </div>
              </dl>
            </div>

            <div className="card panel" data-testid="sign-in-section">
              <div className="panel-title-row">
                <h3 className="panel-title">Sign-in</h3>
                {canSignOut && (
                  <button type="button" className="btn btn-small" onClick={() => setConfirmSignOut(true)} data-testid="sign-out">
                    Sign out…
                  </button>
                )}
              </div>
              <p data-testid="sign-in-state" className={signIn.warn ? 'warn-text' : undefined}>
                {signIn.text}
              </p>
              {server.headerNames.length > 0 && (
                <p className="muted small">
                  Sends {server.headerNames.join(', ')} with every request <span className="muted">(values stay in the app; change them in Settings)</span>
                </p>
              )}
            </div>

            <div className="card panel">
              <h3 className="panel-title">Install into</h3>
              <InstallPanel serverId={server.id} clients={clients} onChanged={onInstallsChanged} />
            </div>
          </>
        )}
        {tab === 'tools' && (
          <>
            <div className="card panel">
              <ToolsPanel server={server} />
            </div>
            <ServerToolsSection serverId={server.id} serverName={server.name} now={now} />
          </>
        )}
        {tab === 'log' && (
          <div className="card panel panel-logs">
            <LogViewer servers={servers} initialServerId={server.id} compact lockServer />
          </div>
        )}
        {tab === 'settings' && <ServerSettings server={server} clients={clients} info={info} onChanged={onChanged} onRemoved={onRemoved} />}
      </div>

      {confirmSignOut && (
        <ConfirmDialog
          title={question.title}
          confirmLabel={question.confirm}
          busyLabel="Signing out…"
          danger
          busy={confirmBusy}
          error={confirmError}
          onConfirm={() => void signOut()}
          onCancel={() => setConfirmSignOut(false)}
        >
          <p>{question.body}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

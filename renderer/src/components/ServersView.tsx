import { useState } from 'react';
import type { ClientApp, ServerSummary, ServerTab } from '../../../common/contract';
import { call } from '../api';
import type { Load } from '../hooks';
import { attentionFirst, count, fixFor, needsAttention, pillFor, shownUrl, signInStatus, stateSentence } from '../format';
import { useSignIn } from '../sign-in';
import { EmptyState } from './EmptyState';
import { StatePill } from './StatePill';

interface Props {
  servers: ServerSummary[];
  load: Load;
  now: number;
  onOpen: (serverId: string, tab?: ServerTab) => void;
  onAdd: () => void;
  onRetry: () => void;
  /** A fix on a card changed the server (Enable answers with the new summary). */
  onChanged?: (server: ServerSummary) => void;
  /** For the first run: the clients found on this computer. */
  clients?: ClientApp[];
  /** The list was emptied by a removal ("No servers", not "No servers yet"). */
  emptiedByRemoval?: boolean;
  onImported?: (server: ServerSummary) => void;
}

/** Every server at a glance, those that need the user first, each with the fix its state needs. */
export function ServersView({ servers, load, now, onOpen, onAdd, onRetry, onChanged, clients = [], emptiedByRemoval, onImported }: Props) {
  const empty = load.kind === 'ready' && servers.length === 0;
  return (
    <section className="view" aria-labelledby="servers-title">
      <div className="view-head">
        <div>
          <h2 id="servers-title">Servers</h2>
          <p className="muted">Remote MCP servers this computer's clients reach through Switchboard.</p>
        </div>
        {!empty && (
          <button type="button" className="btn btn-primary" onClick={onAdd}>
            <span aria-hidden="true">+</span> Add server
          </button>
        )}
      </div>

      {load.kind === 'loading' && <p className="muted">Loading servers…</p>}
      {load.kind === 'failed' && (
        <div className="banner banner-error" role="alert">
          Could not load the servers: {load.error}{' '}
          <button type="button" className="btn btn-small" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {empty && <EmptyState onAdd={onAdd} clients={clients} afterRemoval={emptiedByRemoval} onImported={onImported} onOpenServer={(id) => onOpen(id)} />}

      {servers.length > 0 && (
        <ul className="server-list" aria-label="Servers">
          {attentionFirst(servers).map((s) => (
            <ServerRow key={s.id} server={s} now={now} onOpen={onOpen} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ServerRow({
  server,
  now,
  onOpen,
  onChanged,
}: {
  server: ServerSummary;
  now: number;
  onOpen: (id: string, tab?: ServerTab) => void;
  onChanged?: (s: ServerSummary) => void;
}) {
  const { counters } = server.status;
  const tone = pillFor(server).tone;
  const attention = needsAttention(server);
  const ready = server.enabled && server.status.state === 'ready';
  const signIn = signInStatus(server, now);
  const signIns = useSignIn();
  const fix = fixFor(server);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const signingIn = signIns.pending.has(server.id);

  async function runFix() {
    if (!fix) return;
    setBusy(true);
    setError(undefined);
    if (fix.kind === 'sign-in') {
      const o = await signIns.signIn(server);
      if (o.kind === 'failed') setError(o.error);
    } else if (fix.kind === 'enable') {
      const r = await call('servers:set-enabled', { serverId: server.id, enabled: true });
      if (r.ok) onChanged?.(r.value);
      else setError(r.error);
    } else {
      const r = await call('servers:restart', { serverId: server.id });
      if (!r.ok) setError(r.error);
    }
    setBusy(false);
  }

  return (
    <li className={`card server-row server-${tone}`} data-testid="server" data-server-id={server.id} data-attention={attention ? 'true' : undefined}>
      <div className="server-row-main">
        <h3 className="server-name">
          {/* The button covers the whole card (::after), so the row is one click target. */}
          <button type="button" className="row-link" onClick={() => onOpen(server.id)} aria-label={`Open ${server.name}`}>
            {server.name}
          </button>
        </h3>
        <span className="server-url" title={shownUrl(server.url)}>
          {shownUrl(server.url)}
        </span>
        <p className={`server-sentence${attention ? ' attention' : ''}`} data-testid="state-detail">
          {stateSentence(server, now)}
        </p>
        {ready ? (
          <dl className="row-stats">
            <div>
              <dt>Clients</dt>
              <dd data-testid="connections">{count(counters.connections)}</dd>
            </div>
            <div>
              <dt>Requests</dt>
              <dd data-testid="requests">{count(counters.requests)}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-testid="errors" className={counters.errors > 0 ? 'has-errors' : undefined}>
                {counters.errors > 0 ? (
                  <button
                    type="button"
                    className="btn-link row-action"
                    onClick={() => onOpen(server.id, 'log')}
                    aria-label={`${counters.errors} errors: show the log`}
                  >
                    {count(counters.errors)}
                  </button>
                ) : (
                  count(counters.errors)
                )}
              </dd>
            </div>
            <div className="row-stat-wide">
              <dt>Sign-in</dt>
              <dd data-testid="sign-in-state" className={signIn.warn ? 'warn-text' : undefined}>
                {signIn.text}
              </dd>
            </div>
          </dl>
        ) : (
          fix && (
            <div className="row-fix" role="group" aria-label={`Fix ${server.name}`}>
              {signingIn ? (
                <>
                  <span className="muted small">
                    <span className="spinner" aria-hidden="true" /> Finish in your browser…
                  </span>
                  <button type="button" className="btn btn-small row-action" onClick={() => void signIns.cancel(server.id)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" className="btn btn-small btn-accent row-action" onClick={() => void runFix()} disabled={busy} data-testid="fix">
                  {busy && fix.kind !== 'sign-in' ? `${fix.label}…` : fix.label}
                </button>
              )}
              {fix.kind === 'restart' && (
                <button type="button" className="btn btn-small row-action" onClick={() => onOpen(server.id, 'log')}>
                  Show log
                </button>
              )}
              {error && (
                <span className="form-error small" role="alert">
                  {error}
                </span>
              )}
            </div>
          )
        )}
      </div>
      <div className="server-row-state">
        <StatePill server={server} />
        <span className="chevron" aria-hidden="true">
          ›
        </span>
      </div>
    </li>
  );
}

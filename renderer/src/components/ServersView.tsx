import type { ServerSummary } from '../../../common/contract';
import type { Load } from '../hooks';
import { count, pillFor, shownUrl, signInText, stateSentence } from '../format';
import { EmptyState } from './EmptyState';
import { StatePill } from './StatePill';

interface Props {
  servers: ServerSummary[];
  load: Load;
  now: number;
  onOpen: (serverId: string) => void;
  onAdd: () => void;
  onRetry: () => void;
}

/** Every server at a glance; a row opens the server's detail. */
export function ServersView({ servers, load, now, onOpen, onAdd, onRetry }: Props) {
  return (
    <section className="view" aria-labelledby="servers-title">
      <div className="view-head">
        <div>
          <h2 id="servers-title">Servers</h2>
          <p className="muted">Remote MCP servers this computer's clients reach through Switchboard.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={onAdd}>
          <span aria-hidden="true">+</span> Add server
        </button>
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
      {load.kind === 'ready' && servers.length === 0 && <EmptyState onAdd={onAdd} />}

      {servers.length > 0 && (
        <ul className="server-list" aria-label="Servers">
          {servers.map((s) => (
            <ServerRow key={s.id} server={s} now={now} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ServerRow({ server, now, onOpen }: { server: ServerSummary; now: number; onOpen: (id: string) => void }) {
  const { counters } = server.status;
  const tone = pillFor(server).tone;
  const needsAttention = server.enabled && ['error', 'needs-sign-in', 'retrying'].includes(server.status.state);
  return (
    <li className={`card server-row server-${tone}`} data-testid="server" data-server-id={server.id}>
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
        <p className={`server-sentence${needsAttention ? ' attention' : ''}`} data-testid="state-detail">
          {stateSentence(server, now)}
        </p>
      </div>
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
            {count(counters.errors)}
          </dd>
        </div>
        <div className="row-stat-wide">
          <dt>Sign-in</dt>
          <dd data-testid="sign-in-state">{signInText(server, now)}</dd>
        </div>
      </dl>
      <div className="server-row-state">
        <StatePill server={server} />
        <span className="chevron" aria-hidden="true">
          ›
        </span>
      </div>
    </li>
  );
}

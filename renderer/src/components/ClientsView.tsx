import { useCallback, useEffect, useState } from 'react';
import type { ClientApp, ImportCandidateView, InstallStatus, ServerSummary } from '../../../common/contract';
import { call } from '../api';
import { shownUrl } from '../format';
import { installStateText } from './InstallPanel';
import { ContextCost } from './tools/ContextCost';

interface Props {
  clients: ClientApp[];
  clientsError?: string;
  servers: ServerSummary[];
  onImported: (server: ServerSummary) => void;
  onOpenServer: (serverId: string) => void;
}

type ImportsLoad = { kind: 'loading' } | { kind: 'ready'; items: ImportCandidateView[] } | { kind: 'failed'; error: string };
type RowNote = { kind: 'ok' | 'error'; text: string; serverId?: string };

const importKey = (c: { clientId: string; entryName: string }) => `${c.clientId}/${c.entryName}`;

/** The MCP clients on this computer, what is installed where, and mcp-remote entries to import. */
export function ClientsView({ clients, clientsError, servers, onImported, onOpenServer }: Props) {
  const [matrix, setMatrix] = useState<InstallStatus[] | undefined>();
  const [matrixError, setMatrixError] = useState<string | undefined>();
  const [imports, setImports] = useState<ImportsLoad>({ kind: 'loading' });
  const [importing, setImporting] = useState<string | undefined>();
  const [notes, setNotes] = useState<Record<string, RowNote>>({});

  const loadMatrix = useCallback(async () => {
    const r = await call('clients:status', {});
    if (r.ok) {
      setMatrix(r.value);
      setMatrixError(undefined);
    } else setMatrixError(r.error);
  }, []);

  const loadImports = useCallback(async () => {
    setImports({ kind: 'loading' });
    const r = await call('clients:find-imports', undefined);
    setImports(r.ok ? { kind: 'ready', items: r.value } : { kind: 'failed', error: r.error });
  }, []);

  // The matrix follows the server list; the import list is looked up once (and on "Look again"),
  // so an imported entry stays on screen with its outcome.
  useEffect(() => {
    void loadMatrix();
  }, [loadMatrix, servers.length]);
  useEffect(() => {
    void loadImports();
  }, [loadImports]);

  async function importOne(c: ImportCandidateView) {
    const key = importKey(c);
    setImporting(key);
    const r = await call('clients:import', { clientId: c.clientId, entryName: c.entryName });
    setImporting(undefined);
    if (r.ok) {
      setNotes((n) => ({
        ...n,
        [key]: { kind: 'ok', text: `Imported as ${r.value.name}. ${c.clientName} now reaches it through Switchboard.`, serverId: r.value.id },
      }));
      onImported(r.value);
      void loadMatrix();
    } else {
      setNotes((n) => ({ ...n, [key]: { kind: 'error', text: r.error } }));
    }
  }

  const stateOf = (serverId: string, clientId: string) => matrix?.find((m) => m.serverId === serverId && m.clientId === clientId);
  // Columns: clients on this machine, plus any client that already holds one of our servers.
  const columns = clients.filter((c) => c.present || matrix?.some((m) => m.clientId === c.id && (m.state === 'installed' || m.state === 'stale')));
  const sorted = [...clients].sort((a, b) => Number(b.present) - Number(a.present));

  return (
    <section className="view" aria-labelledby="clients-title">
      <div className="view-head">
        <div>
          <h2 id="clients-title">Clients</h2>
          <p className="muted">The MCP clients on this computer and the Switchboard servers in each.</p>
        </div>
      </div>

      <div className="card panel">
        <h3 className="panel-title">Detected clients</h3>
        {clientsError && (
          <p className="form-error" role="alert">
            Could not look for clients: {clientsError}
          </p>
        )}
        <table className="table" aria-label="Detected clients">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Status</th>
              <th scope="col">Config file</th>
              <th scope="col">After a change</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((c) => (
              <tr key={c.id} className={c.present ? undefined : 'row-muted'} data-testid="client-row" data-client-id={c.id}>
                <th scope="row">{c.name}</th>
                <td className="cell-status">{c.present ? <span className="yes">Found</span> : <span className="muted">Not found</span>}</td>
                <td className="mono cell-path" title={c.configPath}>
                  {c.configPath ?? '—'}
                </td>
                <td className="cell-hint">{c.restartHint}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="card panel">
        <h3 className="panel-title">Installed where</h3>
        {matrixError && (
          <p className="form-error" role="alert">
            Could not read the client configs: {matrixError}
          </p>
        )}
        {servers.length === 0 ? (
          <p className="muted">No servers yet.</p>
        ) : columns.length === 0 ? (
          <p className="muted">No MCP clients found on this computer.</p>
        ) : (
          <div className="table-scroll">
            <table className="table matrix" aria-label="Installed where" data-testid="matrix">
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  {columns.map((c) => (
                    <th scope="col" key={c.id}>
                      {c.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {servers.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">
                      <button type="button" className="btn-link" onClick={() => onOpenServer(s.id)}>
                        {s.name}
                      </button>
                    </th>
                    {columns.map((c) => {
                      const st = stateOf(s.id, c.id);
                      return (
                        <td key={c.id} data-testid="matrix-cell" data-server-id={s.id} data-client-id={c.id} className={`cell-${st?.state ?? 'unknown'}`}>
                          <MatrixMark status={st} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted small">Open a server to install it into a client or remove it.</p>
      </div>

      <div className="card panel">
        <ContextCost servers={servers} />
      </div>

      <div className="card panel" data-testid="imports">
        <div className="panel-title-row">
          <h3 className="panel-title">Import mcp-remote entries</h3>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void loadImports()} disabled={imports.kind === 'loading'}>
            Look again
          </button>
        </div>
        <p className="muted small">
          Entries that run <code>npx mcp-remote &lt;url&gt;</code> by hand. Importing adds the server here and points the client's entry at Switchboard, so
          sign-in and logs live in one place.
        </p>
        {imports.kind === 'loading' && (
          <p className="muted" role="status">
            Looking through the client configs…
          </p>
        )}
        {imports.kind === 'failed' && (
          <p className="form-error" role="alert">
            Could not look for entries: {imports.error}
          </p>
        )}
        {imports.kind === 'ready' && imports.items.length === 0 && Object.keys(notes).length === 0 && (
          <p className="muted">No mcp-remote entries found. Nothing to import.</p>
        )}
        {imports.kind === 'ready' && (imports.items.length > 0 || Object.keys(notes).length > 0) && (
          <ul className="import-list">
            {imports.items.map((c) => {
              const key = importKey(c);
              const note = notes[key];
              return (
                <li key={key} data-testid="import-row">
                  <div className="import-main">
                    <span className="import-name">{c.entryName}</span>
                    <span className="muted small">
                      in {c.clientName} · <span className="mono">{c.file}</span>
                    </span>
                    <span className="mono small">{shownUrl(c.url)}</span>
                    {c.headerNames.length > 0 && <span className="muted small">Headers: {c.headerNames.join(', ')}</span>}
                    {note && (
                      <p className={note.kind === 'ok' ? 'note-ok' : 'form-error'} role={note.kind === 'ok' ? 'status' : 'alert'}>
                        {note.text}
                      </p>
                    )}
                  </div>
                  {note?.kind === 'ok' && note.serverId ? (
                    <button type="button" className="btn btn-small" onClick={() => onOpenServer(note.serverId!)}>
                      Open
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small btn-accent"
                      onClick={() => void importOne(c)}
                      disabled={importing !== undefined}
                      aria-label={`Import ${c.entryName} from ${c.clientName}`}
                    >
                      {importing === key ? 'Importing…' : 'Import'}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}

function MatrixMark({ status }: { status: InstallStatus | undefined }) {
  if (!status) return <span className="muted">…</span>;
  switch (status.state) {
    case 'installed':
      return (
        <span className="mark-yes" title={`Installed as "${status.name}"`}>
          <span aria-hidden="true">✓ </span>Installed
        </span>
      );
    case 'stale':
      return (
        <span className="mark-warn" title={status.detail}>
          {installStateText(status)}
        </span>
      );
    case 'cannot-install':
      return (
        <span className="muted" title={status.reason}>
          Not possible
        </span>
      );
    default:
      return (
        <span className="muted">
          —<span className="sr-only">Not installed</span>
        </span>
      );
  }
}

import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, ClientApp, ConfigBackup, ImportCandidateView, InstallStatus, ServerSummary } from '../../../common/contract';
import { call } from '../api';
import { formatBytes, relativeTime, shownUrl } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { installStateText } from './InstallPanel';
import { PathActions } from './PathActions';
import { ContextCost } from './tools/ContextCost';

interface Props {
  clients: ClientApp[];
  clientsError?: string;
  servers: ServerSummary[];
  info?: AppInfo;
  onImported: (server: ServerSummary) => void;
  onOpenServer: (serverId: string) => void;
}

type ImportsLoad = { kind: 'loading' } | { kind: 'ready'; items: ImportCandidateView[] } | { kind: 'failed'; error: string };
type RowNote = { kind: 'ok' | 'error'; text: string; serverId?: string };

const importKey = (c: { clientId: string; entryName: string }) => `${c.clientId}/${c.entryName}`;

/**
 * The MCP clients on this computer: the ones found (with their config file, Reveal and Copy, and
 * the backups Switchboard kept, with Restore), the others on one line; what is installed where,
 * each cell a click to install or remove; and mcp-remote entries to import (first, when any).
 */
export function ClientsView({ clients, clientsError, servers, info, onImported, onOpenServer }: Props) {
  const [matrix, setMatrix] = useState<InstallStatus[] | undefined>();
  const [matrixError, setMatrixError] = useState<string | undefined>();
  const [cellBusy, setCellBusy] = useState<string | undefined>();
  const [cellNote, setCellNote] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
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

  // The matrix follows the server list; the import list is looked up once (and on "Scan again"),
  // so an imported entry stays on screen with its outcome.
  useEffect(() => {
    void loadMatrix();
  }, [loadMatrix, servers.length]);
  useEffect(() => {
    void loadImports();
  }, [loadImports]);

  async function importOne(c: ImportCandidateView): Promise<boolean> {
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
      return true;
    }
    setNotes((n) => ({ ...n, [key]: { kind: 'error', text: r.error } }));
    return false;
  }

  async function importAll() {
    if (imports.kind !== 'ready') return;
    for (const c of imports.items) if (!notes[importKey(c)]) await importOne(c);
  }

  async function toggleCell(server: ServerSummary, client: ClientApp, st: InstallStatus | undefined) {
    const installed = st?.state === 'installed' || st?.state === 'stale';
    const install = !installed || st?.state === 'stale';
    setCellBusy(`${server.id}/${client.id}`);
    setCellNote(undefined);
    const r = await call(install ? 'clients:install' : 'clients:uninstall', { serverId: server.id, clientId: client.id });
    setCellBusy(undefined);
    setCellNote(
      r.ok
        ? { kind: 'ok', text: `${install ? 'Installed' : 'Removed'} ${server.name} ${install ? 'into' : 'from'} ${client.name}. ${r.value.restartHint}` }
        : { kind: 'error', text: r.error },
    );
    await loadMatrix();
  }

  const stateOf = (serverId: string, clientId: string) => matrix?.find((m) => m.serverId === serverId && m.clientId === clientId);
  // Columns: clients on this machine, plus any client that already holds one of our servers.
  const columns = clients.filter((c) => c.present || matrix?.some((m) => m.clientId === c.id && (m.state === 'installed' || m.state === 'stale')));
  const found = clients.filter((c) => c.present);
  const others = clients.filter((c) => !c.present);
  const importCount = imports.kind === 'ready' ? imports.items.filter((c) => !notes[importKey(c)]).length : 0;
  /** Entries to import lead the page (the list stays put while they are imported). */
  const importsFirst = imports.kind === 'ready' && imports.items.length > 0;

  const importsPanel = (
    <div className="card panel" data-testid="imports">
      <div className="panel-title-row">
        <h3 className="panel-title">Import mcp-remote entries</h3>
        <div className="row-gap">
          {importCount > 1 && (
            <button type="button" className="btn btn-small btn-accent" onClick={() => void importAll()} disabled={importing !== undefined}>
              Import all
            </button>
          )}
          <button type="button" className="btn btn-small btn-ghost" onClick={() => void loadImports()} disabled={imports.kind === 'loading'}>
            Scan again
          </button>
        </div>
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
                  <span className="muted small">in {c.clientName}</span>
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
  );

  return (
    <section className="view" aria-labelledby="clients-title">
      <div className="view-head">
        <div>
          <h2 id="clients-title">Clients</h2>
          <p className="muted">The MCP clients on this computer and the Switchboard servers in each.</p>
        </div>
      </div>

      {importsFirst && importsPanel}

      <div className="card panel">
        <h3 className="panel-title">On this computer</h3>
        {clientsError && (
          <p className="form-error" role="alert">
            Could not look for clients: {clientsError}
          </p>
        )}
        {found.length === 0 && !clientsError && <p className="muted">No MCP clients found on this computer.</p>}
        <ul className="client-list">
          {found.map((c) => (
            <ClientRow key={c.id} client={c} info={info} onRestored={() => void loadMatrix()} />
          ))}
        </ul>
        {others.length > 0 && (
          <p className="muted small" data-testid="other-clients">
            Also supported, not found here: {others.map((c) => c.name).join(', ')}.
          </p>
        )}
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
                          <MatrixCell
                            status={st}
                            busy={cellBusy === `${s.id}/${c.id}`}
                            disabled={cellBusy !== undefined}
                            label={`${s.name} in ${c.name}`}
                            onToggle={() => void toggleCell(s, c, st)}
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cellNote ? (
          <p className={cellNote.kind === 'ok' ? 'note-ok' : 'form-error'} role={cellNote.kind === 'ok' ? 'status' : 'alert'}>
            {cellNote.text}
          </p>
        ) : (
          <p className="muted small">Click a cell to install that server into that client, or to remove it.</p>
        )}
      </div>

      <div className="card panel">
        <ContextCost servers={servers} />
      </div>

      {!importsFirst && importsPanel}
    </section>
  );
}

function MatrixCell({
  status,
  busy,
  disabled,
  label,
  onToggle,
}: {
  status: InstallStatus | undefined;
  busy: boolean;
  disabled: boolean;
  label: string;
  onToggle: () => void;
}) {
  if (!status) return <span className="muted">…</span>;
  if (status.state === 'cannot-install')
    return (
      <span className="muted" title={status.reason}>
        Not possible
      </span>
    );
  const installed = status.state === 'installed';
  const text = busy ? '…' : installed ? '✓ Installed' : status.state === 'stale' ? installStateText(status) : '+ Install';
  const action = installed ? `Remove ${label}` : status.state === 'stale' ? `Repair ${label}` : `Install ${label}`;
  return (
    <button
      type="button"
      className={`cell-toggle ${installed ? 'mark-yes' : status.state === 'stale' ? 'mark-warn' : 'mark-no'}`}
      onClick={onToggle}
      disabled={disabled}
      aria-label={action}
      aria-pressed={installed}
      title={status.state === 'stale' ? status.detail : action}
    >
      {text}
    </button>
  );
}

/** One client found here: its config file (Reveal, Copy), what it needs after a change, its backups. */
function ClientRow({ client, info, onRestored }: { client: ClientApp; info?: AppInfo; onRestored: () => void }) {
  const [open, setOpen] = useState(false);
  const [backups, setBackups] = useState<ConfigBackup[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [restoring, setRestoring] = useState<{ backup: ConfigBackup; busy: boolean; error?: string } | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const load = useCallback(async () => {
    const r = await call('clients:backups', { clientId: client.id });
    if (r.ok) setBackups(r.value);
    else setError(r.error);
  }, [client.id]);

  useEffect(() => {
    if (open) void load();
  }, [open, load]);

  async function restore() {
    if (!restoring) return;
    setRestoring({ ...restoring, busy: true, error: undefined });
    const r = await call('clients:restore-backup', { clientId: client.id, backupId: restoring.backup.id });
    if (!r.ok) return setRestoring({ ...restoring, busy: false, error: r.error });
    setRestoring(undefined);
    setDone(`Restored ${client.name}'s config from ${new Date(restoring.backup.createdAt).toLocaleString()}. ${r.value.restartHint}`);
    void load();
    onRestored();
  }

  const now = Date.now();
  return (
    <li className="client-row" data-testid="client-row" data-client-id={client.id}>
      <div className="client-main">
        <span className="client-name">{client.name}</span>
        {client.configPath && <PathActions path={client.configPath} home={info?.homeDir} canReveal={info?.canReveal} />}
        <span className="muted small">{client.restartHint}</span>
      </div>
      <button type="button" className="btn btn-small btn-ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide backups' : 'Backups'}
      </button>
      {open && (
        <div className="client-backups" data-testid="backups">
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {backups && backups.length === 0 && <p className="muted small">No backups yet: Switchboard keeps one before each change it makes to this file.</p>}
          {backups && backups.length > 0 && (
            <ul className="backup-list">
              {backups.map((b) => (
                <li key={b.id} data-testid="backup">
                  <span>
                    {new Date(b.createdAt).toLocaleString()}{' '}
                    <span className="muted small">
                      ({relativeTime(b.createdAt, now)} ago, {formatBytes(b.bytes)})
                    </span>
                  </span>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setRestoring({ backup: b, busy: false })}
                    aria-label={`Restore the backup of ${new Date(b.createdAt).toLocaleString()}`}
                  >
                    Restore
                  </button>
                </li>
              ))}
            </ul>
          )}
          {done && (
            <p className="note-ok" role="status">
              {done}
            </p>
          )}
        </div>
      )}
      {restoring && (
        <ConfirmDialog
          title={`Restore ${client.name}'s config?`}
          confirmLabel="Restore"
          busyLabel="Restoring…"
          busy={restoring.busy}
          error={restoring.error}
          onConfirm={() => void restore()}
          onCancel={() => setRestoring(undefined)}
        >
          <p>
            The file goes back to how it was on {new Date(restoring.backup.createdAt).toLocaleString()}. What it holds now is kept as a backup too, so this can
            be undone the same way.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

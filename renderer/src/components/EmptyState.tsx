import { useEffect, useState } from 'react';
import type { ClientApp, ImportCandidateView, ServerSummary } from '../../../common/contract';
import { call } from '../api';
import { shownUrl } from '../format';

interface Props {
  onAdd: () => void;
  /** The clients found on this computer. */
  clients: ClientApp[];
  /** The last server was just removed: "No servers", not "No servers yet". */
  afterRemoval?: boolean;
  onImported?: (server: ServerSummary) => void;
  onOpenServer?: (serverId: string) => void;
}

/**
 * The first run starts from the machine: the MCP clients found, the `npx mcp-remote` entries they
 * already use (with Import all), then the way to add a server by its address.
 */
export function EmptyState({ onAdd, clients, afterRemoval, onImported }: Props) {
  const found = clients.filter((c) => c.present);
  const [imports, setImports] = useState<ImportCandidateView[] | undefined>();
  const [importing, setImporting] = useState(false);
  const [result, setResult] = useState<{ ok: string[]; failed: string[] } | undefined>();

  useEffect(() => {
    let alive = true;
    void call('clients:find-imports', undefined).then((r) => alive && setImports(r.ok ? r.value : []));
    return () => {
      alive = false;
    };
  }, []);

  async function importAll() {
    if (!imports) return;
    setImporting(true);
    const ok: string[] = [];
    const failed: string[] = [];
    for (const c of imports) {
      const r = await call('clients:import', { clientId: c.clientId, entryName: c.entryName });
      if (r.ok) {
        ok.push(`${c.entryName} (${c.clientName})`);
        onImported?.(r.value);
      } else failed.push(`${c.entryName} (${c.clientName}): ${r.error}`);
    }
    setImporting(false);
    setResult({ ok, failed });
  }

  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-icon" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <h3>{afterRemoval ? 'No servers' : 'No servers yet'}</h3>
      <p data-testid="found-clients">
        {found.length === 0
          ? 'No MCP clients found on this computer yet. Switchboard works with Claude Desktop, Cursor, VS Code and more.'
          : `MCP clients on this computer: ${found.map((c) => c.name).join(', ')}.`}
      </p>
      {imports && imports.length > 0 && !result && (
        <div className="empty-imports card panel" data-testid="first-run-imports">
          <p>
            <strong>
              {imports.length === 1 ? 'One server you already use' : `${imports.length} servers you already use`} through <code>npx mcp-remote</code>:
            </strong>
          </p>
          <ul className="empty-import-list">
            {imports.map((c) => (
              <li key={`${c.clientId}/${c.entryName}`}>
                <span className="import-name">{c.entryName}</span> <span className="muted small">in {c.clientName}</span>{' '}
                <span className="mono small">{shownUrl(c.url)}</span>
              </li>
            ))}
          </ul>
          <p className="muted small">Importing moves them to Switchboard: one sign-in, one log, and the clients' entries point here.</p>
          <button type="button" className="btn btn-primary" onClick={() => void importAll()} disabled={importing}>
            {importing ? 'Importing…' : imports.length === 1 ? 'Import it' : 'Import all'}
          </button>
        </div>
      )}
      {result && (
        <div role="status" className={result.failed.length ? 'note-warn' : 'note-ok'} data-testid="first-run-imported">
          {result.ok.length > 0 && <p>Imported {result.ok.join(', ')}. Restart those clients to pick up the change.</p>}
          {result.failed.map((f) => (
            <p key={f}>Could not import {f}</p>
          ))}
        </div>
      )}
      <p>
        Add the URL of a remote MCP server, for example <code>https://mcp.example.com/mcp</code>. Switchboard checks it, signs you in when the server asks for
        it, and installs it into your MCP clients.
      </p>
      <button type="button" className={`btn ${imports && imports.length > 0 && !result ? '' : 'btn-primary'}`} onClick={onAdd}>
        {afterRemoval ? 'Add a server' : 'Add your first server'}
      </button>
    </div>
  );
}

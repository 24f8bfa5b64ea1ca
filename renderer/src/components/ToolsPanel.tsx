import { useCallback, useEffect, useState } from 'react';
import type { ServerSummary, ToolInfo } from '../../../common/contract';
import { call } from '../api';

type ToolsLoad = { kind: 'idle' } | { kind: 'loading' } | { kind: 'ready'; tools: ToolInfo[] } | { kind: 'failed'; error: string };

/** The tools the server offers, listed through its own proxy once it is ready (an idle server's proxy starts for it). */
export function ToolsPanel({ server }: { server: ServerSummary }) {
  const ready = server.enabled && (server.status.state === 'ready' || server.status.state === 'idle');
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

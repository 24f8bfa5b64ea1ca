import type { ServerSummary } from '../../../../common/contract';
import { call } from '../../api';
import { tokens } from './tool-text';
import { useToolsLoad } from './use-tools-load';
import './tools.css';

interface Props {
  servers: ServerSummary[];
}

/**
 * Per client, across servers: how many tool definitions it carries into every conversation and an
 * estimate of their tokens (the JSON's length / 4), most expensive first, so the user sees where to
 * trim (a server's page › Tools per client).
 */
export function ContextCost({ servers }: Props) {
  const [load] = useToolsLoad(() => call('tools:context-cost', undefined), undefined, [servers.length]);
  const name = (id: string) => servers.find((s) => s.id === id)?.name ?? id;

  return (
    <div className="context-cost" data-testid="context-cost">
      <h3 className="panel-title">Context cost of tools</h3>
      <p className="muted small">
        Every tool a client sees is described to its model in every conversation. Estimated from the size of the definitions (about 4 characters per token).
      </p>
      {load.kind === 'loading' && (
        <p className="muted" role="status">
          Loading…
        </p>
      )}
      {load.kind === 'failed' && (
        <p className="form-error" role="alert">
          Could not estimate the context cost: {load.error}
        </p>
      )}
      {load.kind === 'ready' && load.value.length === 0 && <p className="muted">No client has a server installed yet.</p>}
      {load.kind === 'ready' && load.value.length > 0 && (
        <table className="cost-table">
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Tools</th>
              <th scope="col">Estimate</th>
              <th scope="col">By server</th>
            </tr>
          </thead>
          <tbody>
            {load.value.map((r) => (
              <tr key={r.clientId} data-testid="cost-row" data-client-id={r.clientId}>
                <th scope="row">{r.clientName}</th>
                <td>{r.visible}</td>
                <td>{tokens(r.tokens)}</td>
                <td className="muted small">{r.servers.map((s) => `${name(s.serverId)}: ${s.visible} (${tokens(s.tokens)})`).join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

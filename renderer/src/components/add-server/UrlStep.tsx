import { useId, type Dispatch, type Ref } from 'react';
import type { AddProposal, ProbeResult } from '../../../../common/contract';
import { hostOf, shownUrl } from '../../format';
import type { AddFlowAction } from './add-flow-state';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  url: string;
  urlError?: string;
  probing: boolean;
  probe?: ProbeResult;
  proposed?: AddProposal;
  /** The link replaced what the user had typed (headers, secret, scopes are gone): say so. */
  replacedByLink?: boolean;
  dispatch: Dispatch<AddFlowAction>;
  onProbe: () => void;
  onDismissProposal: () => void;
}

/** Step 1: paste the URL and check it; a link's proposal and every refusal are shown here. */
export function UrlStep({ headingRef, url, urlError, probing, probe, proposed, replacedByLink, dispatch, onProbe, onDismissProposal }: Props) {
  const urlId = useId();
  const urlErrorId = useId();
  return (
    <form
      className="card panel add-step"
      onSubmit={(e) => {
        e.preventDefault();
        onProbe();
      }}
      aria-label="Server address"
      noValidate
    >
      <h3 className="step-title" ref={headingRef} tabIndex={-1}>
        Paste the server's URL
      </h3>
      {proposed && (
        <p className="proposal" role="status" data-testid="proposal">
          A link asks to add <strong>{shownUrl(proposed.url)}</strong>. Check that you trust this address before you continue — or{' '}
          <button type="button" className="btn-link" onClick={onDismissProposal}>
            dismiss it
          </button>
          .
          {replacedByLink && (
            <span className="block" data-testid="form-replaced">
              {' '}
              The form started afresh: what you had typed for the other server (its headers, client secret and scopes) was cleared.
            </span>
          )}
        </p>
      )}
      <div className="url-row">
        <label className="field field-grow" htmlFor={urlId}>
          <span>Server URL</span>
          <input
            id={urlId}
            name="url"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://mcp.example.com/mcp"
            value={url}
            onChange={(e) => dispatch({ type: 'url-edited', url: e.target.value })}
            aria-invalid={urlError ? true : undefined}
            aria-describedby={urlError ? urlErrorId : undefined}
            autoFocus
            required
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={probing || url.trim() === ''}>
          {probing ? 'Checking…' : 'Check'}
        </button>
      </div>
      {probing && (
        <p className="muted" role="status">
          Contacting {hostOf(url.trim())}…
        </p>
      )}
      {urlError && (
        <div className="form-error" id={urlErrorId} role="alert" data-testid="url-problem">
          <p>{urlError}</p>
          {probe && !probe.reachable && (
            <p className="problem-more">
              If the server is only down right now, you can{' '}
              <button type="button" className="btn-link" onClick={() => dispatch({ type: 'add-anyway' })}>
                add it anyway
              </button>
              .
            </p>
          )}
        </div>
      )}
      <p className="muted small">
        The address of a remote MCP server, usually ending in <code>/mcp</code> (or <code>/sse</code> for older servers).
      </p>
    </form>
  );
}

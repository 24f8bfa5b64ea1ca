import { useId, type Dispatch, type Ref } from 'react';
import type { AddProposal, ProbeResult, RegistryEntry } from '../../../../common/contract';
import { hostOf, shownUrl } from '../../format';
import type { AddFlowAction, HeaderRow } from './add-flow-state';
import { PickedEntry } from './PickedEntry';
import { RegistrySearch } from './RegistrySearch';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  url: string;
  urlError?: string;
  probing: boolean;
  probe?: ProbeResult;
  proposed?: AddProposal;
  /** The link replaced what the user had typed (headers, secret, scopes are gone): say so. */
  replacedByLink?: boolean;
  /** The registry entry the form was filled from (search, a pasted domain, an install link). */
  picked?: RegistryEntry;
  headers: HeaderRow[];
  dispatch: Dispatch<AddFlowAction>;
  onProbe: () => void;
  onDismissProposal: () => void;
}

/**
 * Step 1: find the server in the registries, or paste its URL (or its site's domain), and check
 * it; a link's proposal and every refusal are shown here.
 */
export function UrlStep({ headingRef, url, urlError, probing, probe, proposed, replacedByLink, picked, headers, dispatch, onProbe, onDismissProposal }: Props) {
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
        {picked ? 'Check the server' : 'Find a server, or paste its URL'}
      </h3>
      {proposed && (
        <p className="proposal" role="status" data-testid="proposal">
          {proposed.problem ? (
            <>A link could not be followed: {proposed.problem}</>
          ) : proposed.entry ? (
            <>
              A link asks to add <strong>{proposed.entry.title ?? proposed.entry.name}</strong> ({proposed.entry.name}, version {proposed.entry.version}) from{' '}
              <strong>{proposed.entry.registryName}</strong>, at <strong>{shownUrl(proposed.url)}</strong>. Nothing is added until you press the buttons below.
            </>
          ) : (
            <>
              A link asks to add <strong>{shownUrl(proposed.url)}</strong>. Check that you trust this address before you continue
            </>
          )}{' '}
          —{' '}
          <button type="button" className="btn-link" onClick={onDismissProposal}>
            dismiss it
          </button>
          .
          {proposed.link && (
            <span className="block small proposal-link" data-testid="proposal-link">
              The link: <code>{proposed.link.length > 300 ? `${proposed.link.slice(0, 300)}…` : proposed.link}</code>
            </span>
          )}
          {replacedByLink && (
            <span className="block" data-testid="form-replaced">
              {' '}
              The form started afresh: what you had typed for the other server (its headers, client secret and scopes) was cleared.
            </span>
          )}
        </p>
      )}
      {picked ? (
        <PickedEntry
          entry={picked}
          url={url}
          headers={headers}
          dispatch={dispatch}
          onClear={proposed ? undefined : () => dispatch({ type: 'entry-cleared' })}
        />
      ) : (
        !proposed && (
          <>
            <RegistrySearch autoFocus onPick={(entry) => dispatch({ type: 'entry-picked', entry })} />
            <p className="or-paste muted small">Or paste the server's URL, or its site's domain:</p>
          </>
        )
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
            autoFocus={!!proposed && !picked}
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
        The address of a remote MCP server, usually ending in <code>/mcp</code> (or <code>/sse</code> for older servers). A domain (<code>example.com</code>) is
        looked up in the metadata the site publishes.
      </p>
    </form>
  );
}

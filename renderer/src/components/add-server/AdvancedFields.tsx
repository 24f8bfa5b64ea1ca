import { useId, type Dispatch } from 'react';
import { AccessFields } from './AccessFields';
import type { AccessDraft, AddFlowAction, HeaderRow } from './add-flow-state';

interface Props {
  open: boolean;
  headers: HeaderRow[];
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Sign-in without a user and the network (AccessFields); absent: those fields are not offered. */
  access?: AccessDraft;
  probing: boolean;
  dispatch: Dispatch<AddFlowAction>;
  onProbeAgain: () => void;
}

/** The review step's disclosure: extra headers, a pre-registered OAuth client, extra scopes. */
export function AdvancedFields({ open, headers, clientId, clientSecret, scopes, access, probing, dispatch, onProbeAgain }: Props) {
  const clientIdId = useId();
  const secretId = useId();
  const scopesId = useId();
  return (
    <div className="advanced">
      <button
        type="button"
        className="btn-disclosure"
        aria-expanded={open}
        aria-controls="advanced-fields"
        onClick={() => dispatch({ type: 'advanced-toggled' })}
      >
        <span className="disclosure-arrow" aria-hidden="true">
          ▸
        </span>
        Advanced: API key or custom headers, your own OAuth app, scopes
      </button>
      {open && (
        <div id="advanced-fields" className="advanced-fields">
          <fieldset className="fieldset">
            <legend>Extra headers</legend>
            <p className="muted small">
              Sent with every request (an API key, an organization). Values are kept in the app and never shown again. To keep a value out of the app, write{' '}
              <code>{'${env:NAME}'}</code>: it is read from the environment when the server starts.
            </p>
            {headers
              .filter((h) => !h.from)
              .map((h, i) => (
                <div className="header-row" key={h.key}>
                  <input
                    type="text"
                    aria-label={`Header ${i + 1} name`}
                    placeholder="X-Api-Key"
                    value={h.name}
                    autoComplete="off"
                    spellCheck={false}
                    onChange={(e) => dispatch({ type: 'header-edited', key: h.key, name: e.target.value })}
                  />
                  <input
                    type="password"
                    aria-label={`Header ${i + 1} value`}
                    placeholder="value or ${env:NAME}"
                    value={h.value}
                    autoComplete="off"
                    onChange={(e) => dispatch({ type: 'header-edited', key: h.key, value: e.target.value })}
                  />
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Remove header ${i + 1}`}
                    onClick={() => dispatch({ type: 'header-removed', key: h.key })}
                  >
                    Remove
                  </button>
                </div>
              ))}
            <div className="row-gap">
              <button type="button" className="btn btn-small" onClick={() => dispatch({ type: 'header-added' })}>
                Add header
              </button>
              {(headers.some((h) => h.name.trim()) || !!access?.proxy.trim() || !!access?.caFile.trim()) && (
                <button type="button" className="btn btn-small btn-ghost" onClick={onProbeAgain} disabled={probing}>
                  {probing ? 'Checking…' : 'Check again with these headers'}
                </button>
              )}
            </div>
          </fieldset>
          <fieldset className="fieldset">
            <legend>Your own OAuth app</legend>
            <p className="muted small">
              Only when the server's sign-in does not let apps register themselves (GitHub, Entra ID, …): the app you registered there.
            </p>
            <div className="two-fields">
              <label className="field" htmlFor={clientIdId}>
                <span>Client ID</span>
                <input
                  id={clientIdId}
                  type="text"
                  autoComplete="off"
                  spellCheck={false}
                  value={clientId}
                  onChange={(e) => dispatch({ type: 'text-edited', field: 'clientId', value: e.target.value })}
                />
              </label>
              <label className="field" htmlFor={secretId}>
                <span>
                  Client secret <em>only if your OAuth app has one</em>
                </span>
                <input
                  id={secretId}
                  type="password"
                  autoComplete="off"
                  value={clientSecret}
                  onChange={(e) => dispatch({ type: 'text-edited', field: 'clientSecret', value: e.target.value })}
                />
              </label>
            </div>
          </fieldset>
          <fieldset className="fieldset">
            <legend>Scopes</legend>
            <label className="field" htmlFor={scopesId}>
              <span>
                Extra scopes to ask for <em>optional, separated by spaces</em>
              </span>
              <input
                id={scopesId}
                type="text"
                autoComplete="off"
                spellCheck={false}
                placeholder="repo read:org"
                value={scopes}
                onChange={(e) => dispatch({ type: 'text-edited', field: 'scopes', value: e.target.value })}
              />
            </label>
            <p className="muted small">Most servers need none: they name the scopes they want when you sign in.</p>
          </fieldset>
          {access && <AccessFields access={access} dispatch={dispatch} />}
        </div>
      )}
    </div>
  );
}

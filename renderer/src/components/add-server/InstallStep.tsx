import type { Ref } from 'react';
import type { ClientApp, ServerSummary } from '../../../../common/contract';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  server: ServerSummary;
  signedIn: boolean;
  /** The clients found on this machine. */
  present: ClientApp[];
  selected: ReadonlySet<string>;
  installing: boolean;
  onToggle: (clientId: string, checked: boolean) => void;
  onInstall: () => void;
  onSkip: () => void;
}

/** Step 4: choose the clients to install the new server into (all found ones are ticked). */
export function InstallStep({ headingRef, server, signedIn, present, selected, installing, onToggle, onInstall, onSkip }: Props) {
  return (
    <div className="card panel add-step" role="group" aria-label="Choose clients">
      <h3 className="step-title" ref={headingRef} tabIndex={-1}>
        Use {server.name} in these clients
      </h3>
      {signedIn && (
        <p className="note-ok" role="status">
          Signed in.
        </p>
      )}
      {present.length === 0 ? (
        <p className="muted">No MCP clients found on this computer. You can install it later from the server's page.</p>
      ) : (
        <fieldset className="fieldset choose-clients">
          <legend>Install into</legend>
          {present.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={selected.has(c.id)} onChange={(e) => onToggle(c.id, e.target.checked)} />
              <span className="check-label">{c.name}</span>
              <span className="muted small">{c.restartHint}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div className="step-actions">
        <button type="button" className="btn" onClick={onSkip} disabled={installing}>
          Not now
        </button>
        {present.length > 0 && (
          <button type="button" className="btn btn-primary" onClick={onInstall} disabled={installing || selected.size === 0}>
            {installing ? 'Installing…' : `Install into ${selected.size} client${selected.size === 1 ? '' : 's'}`}
          </button>
        )}
      </div>
    </div>
  );
}

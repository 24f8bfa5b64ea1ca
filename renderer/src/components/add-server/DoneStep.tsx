import type { Ref } from 'react';
import type { ServerSummary } from '../../../../common/contract';
import { call } from '../../api';
import { useToolsLoad } from '../tools/use-tools-load';
import type { InstallOutcome } from './add-flow-state';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  server: ServerSummary;
  outcomes: InstallOutcome[];
  onStartOver: () => void;
  onOpenServer: () => void;
  onReviewTools: () => void;
}

/** The last step: what was installed where (each failure in the core's words), then open or add another. */
export function DoneStep({ headingRef, server, outcomes, onStartOver, onOpenServer, onReviewTools }: Props) {
  // A new server's tools wait for review (Settings ▸ Tools of new servers): say so here, live.
  const [review] = useToolsLoad(() => call('tools:review', { serverId: server.id }), server.id, [server.id]);
  const pending = review.kind === 'ready' ? review.value.pending : 0;
  return (
    <div className="card panel add-step" role="group" aria-label="Done">
      <h3 className="step-title" ref={headingRef} tabIndex={-1}>
        {server.name} is added
      </h3>
      {outcomes.length > 0 ? (
        <ul className="outcomes" data-testid="install-outcomes">
          {outcomes.map((o) => (
            <li key={o.clientId} className={o.ok ? 'outcome-ok' : 'outcome-bad'}>
              <span className="outcome-mark" aria-hidden="true">
                {o.ok ? '✓' : '!'}
              </span>
              {o.ok ? (
                <span>
                  Installed into {o.clientName}. <strong>{o.result.restartHint}</strong>
                </span>
              ) : (
                <span role="alert">
                  Could not install into {o.clientName}: {o.error}
                </span>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Not installed into any client yet. Open the server to install it when you are ready.</p>
      )}
      {pending > 0 && (
        <div className="note-warn tools-to-review" role="status" data-testid="tools-to-review">
          <span>
            {pending === 1 ? 'Its tool waits' : `Its ${pending} tools wait`} for your review: clients see {pending === 1 ? 'it' : 'them'} once you approve.
          </span>
          <button type="button" className="btn btn-small btn-primary" onClick={onReviewTools}>
            Review tools
          </button>
        </div>
      )}
      <div className="step-actions">
        <button type="button" className="btn" onClick={onStartOver}>
          Add another
        </button>
        <button type="button" className="btn btn-primary" onClick={onOpenServer}>
          Open {server.name}
        </button>
      </div>
    </div>
  );
}

/**
 * A log row's details (a click on the row): the full text, what the row is made of (the request
 * and its answer as JSON, as the app logged them: secrets were removed before they reached the
 * window), the error when the call failed, and Copy.
 */
import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../format';
import { clientLabel, formatDuration, fullTime, isTraffic, methodLabel, outcomeOf } from './log-format';
import type { LogRow } from './log-model';

export function LogDetails({ row, serverName, onClose }: { row: LogRow; serverName: string; onClose: () => void }) {
  const e = row.event;
  const traffic = isTraffic(e);
  const json = JSON.stringify(row.request ? { request: row.request, answer: e } : e, null, 2);
  const failed = traffic && e.direction === 'server-to-client' && (e.level === 'warn' || e.level === 'error');
  const [note, setNote] = useState<string | undefined>();
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), [row.seq]);

  async function copy() {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available here');
      await navigator.clipboard.writeText(`${e.message}\n\n${json}\n`);
      setNote('Copied.');
    } catch (err) {
      setNote(`Could not copy: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const facts: Array<[string, string | undefined]> = [
    ['Time', fullTime(e.ts)],
    ['Level', e.level],
    ['Server', serverName],
    ['Client', clientLabel(e) || undefined],
    ['Connection', e.connection !== undefined ? `#${e.connection}` : undefined],
    ['Call', traffic ? methodLabel(e) : undefined],
    ['Outcome', traffic && e.direction === 'server-to-client' ? outcomeOf(e) : undefined],
    ['Duration', e.durationMs !== undefined ? formatDuration(e.durationMs) : undefined],
    ['Request size', row.request?.size !== undefined ? formatBytes(row.request.size) : undefined],
    [row.request ? 'Answer size' : 'Size', e.size !== undefined ? formatBytes(e.size) : undefined],
  ];

  return (
    <section className="lv-details" aria-label="Line details" data-testid="log-details" onKeyDown={(ev) => ev.key === 'Escape' && onClose()}>
      <div className="lv-details-head">
        <h4 className="lv-details-title">{traffic ? `${methodLabel(e)} · ${e.direction === 'server-to-client' ? outcomeOf(e) : 'request'}` : 'Log line'}</h4>
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          Copy
        </button>
        <button ref={closeRef} type="button" className="btn btn-small btn-ghost" onClick={onClose} aria-label="Close the details">
          Close
        </button>
      </div>
      {note && (
        <p className="lv-note lv-note-ok" role="status">
          {note}
        </p>
      )}
      {failed && (
        <p className="form-error" data-testid="log-details-error">
          {outcomeOf(e)}
        </p>
      )}
      <dl className="lv-facts">
        {facts
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      <p className="lv-details-text" data-testid="log-details-text">
        {e.message}
      </p>
      <details>
        <summary>As JSON (secrets were removed by the app)</summary>
        <pre className="lv-json" data-testid="log-details-json">
          {json}
        </pre>
      </details>
    </section>
  );
}

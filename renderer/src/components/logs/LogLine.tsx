/**
 * One row of the log: a single line of inline text in a monospace font (far less layout per row
 * than a grid of boxes while scrolling). Time, level, [server], client, then the message, which
 * gets the rest of the width: for traffic, the method, its outcome, duration and size; for the
 * rest, the sentence. The first row of a day carries the day's date. The row is a button: it
 * opens the row's details.
 */
import { memo } from 'react';
import { clockTime, formatBytes } from '../../format';
import { clientLabel, dayLabel, directionArrow, directionLabel, formatDuration, isTraffic, methodLabel, outcomeOf, splitMatches } from './log-format';
import type { LogRow } from './log-model';

/** Characters of a message put in the DOM: a row shows at most about this many, the details have them all. */
export const DISPLAY_CHARS = 400;

/** Pixel height of one row; the CSS (.lv-row) uses the same value. */
export const ROW_HEIGHT = 22;

/** Column widths in characters (logs.css gives each column one more, for the gap). */
const COL = { server: 12, client: 17 } as const;

/** `s` in at most `n` characters: cut with an ellipsis. */
function fit(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function Highlight({ text, query }: { text: string; query: string }) {
  if (!text || !query.trim()) return <>{text}</>;
  return <>{splitMatches(text, query).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : p.text))}</>;
}

interface LineProps {
  row: LogRow;
  serverName: string;
  showServer: boolean;
  query: string;
  pos: number;
  size: number;
  /** The first row of its day (in the filtered view): it shows the date. */
  newDay: boolean;
  now: number;
  selected: boolean;
  onSelect: (row: LogRow) => void;
}

export const LogLine = memo(function LogLine({ row, serverName, showServer, query, pos, size, newDay, now, selected, onSelect }: LineProps) {
  const e = row.event;
  const traffic = isTraffic(e);
  const message = e.message.length > DISPLAY_CHARS ? `${e.message.slice(0, DISPLAY_CHARS)}…` : e.message;
  const failed = traffic && e.level !== 'info' && e.level !== 'debug';
  const client = clientLabel(e);
  return (
    <div
      role="listitem"
      aria-posinset={pos}
      aria-setsize={size}
      className={`lv-row lv-${e.level}${pos % 2 ? '' : ' lv-even'}${e.own ? ' lv-own' : ''}${newDay ? ' lv-new-day' : ''}${selected ? ' lv-selected' : ''}`}
      style={{ top: (pos - 1) * ROW_HEIGHT }}
      data-seq={row.seq}
      data-day={newDay ? dayLabel(e.ts, now) : undefined}
    >
      <button type="button" className="lv-row-btn" onClick={() => onSelect(row)}>
        {newDay && <span className="lv-sr-only">{dayLabel(e.ts, now)}: </span>}
        <span className="lv-c-time">{clockTime(e.ts).slice(0, 8)}</span> <span className="lv-c-level">{e.level}</span>{' '}
        {showServer && (
          <>
            <span className="lv-c-server">{fit(serverName, COL.server)}</span>{' '}
          </>
        )}
        <span className="lv-c-client">{fit(client, COL.client)}</span>{' '}
        <span className="lv-c-msg">
          {traffic ? (
            <>
              <span className="lv-c-dir" aria-label={directionLabel(row.request ? 'server-to-client' : e.direction)}>
                {row.request ? '⇄' : directionArrow(e.direction)}
              </span>{' '}
              <span className="lv-c-method">
                <Highlight text={methodLabel(e)} query={query} />
              </span>{' '}
              <span className={failed ? 'lv-outcome lv-outcome-bad' : 'lv-outcome'}>
                <Highlight text={e.direction === 'client-to-server' ? (row.answered ? 'sent' : 'waiting for the answer') : outcomeOf(e)} query={query} />
              </span>
              {e.durationMs !== undefined && (
                <>
                  {' · '}
                  <span className="lv-c-dur">{formatDuration(e.durationMs)}</span>
                </>
              )}
              {e.size !== undefined && <span className="lv-size"> · {formatBytes(e.size)}</span>}
            </>
          ) : (
            <Highlight text={message} query={query} />
          )}
        </span>
      </button>
    </div>
  );
});

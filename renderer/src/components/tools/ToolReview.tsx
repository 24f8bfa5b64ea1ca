import { useState } from 'react';
import type { DefinitionView, ToolPolicyMode, ToolReview as Review } from '../../../../common/contract';
import { TOOL_POLICY_MODES } from '../../../../common/contract';
import { call } from '../../api';
import { ToolDiff } from './ToolDiff';
import { MODE_LABELS, tokens } from './tool-text';
import { useToolsLoad } from './use-tools-load';
import './tools.css';

interface Props {
  serverId: string;
  serverName: string;
}

const KIND = { tools: 'Tool', prompts: 'Prompt', resourceTemplates: 'Resource template' } as const;
const HOW = { 'first-use': 'approved at first use', user: 'approved by you', policy: 'approved by the policy' } as const;

/**
 * The server's tools as clients may see them: what waits for review (new or changed since approved,
 * withheld from every client until then) with its diff and Approve / Keep blocked, what is blocked,
 * what is approved, and the server's policy. Kept live by `tools:did-change`.
 */
export function ToolReview({ serverId, serverName }: Props) {
  const [load, setLoad] = useToolsLoad(() => call('tools:review', { serverId }), serverId, [serverId]);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function act(key: string, run: () => ReturnType<typeof call<'tools:review'>>) {
    setBusy(key);
    setError(undefined);
    const r = await run();
    setBusy(undefined);
    if (r.ok) setLoad({ kind: 'ready', value: r.value });
    else setError(r.error);
  }

  const approve = (i: DefinitionView) => act(`approve:${i.kind}:${i.name}`, () => call('tools:approve', { serverId, kind: i.kind, names: [i.name] }));
  const block = (i: DefinitionView) => act(`block:${i.kind}:${i.name}`, () => call('tools:block', { serverId, kind: i.kind, name: i.name }));
  const approveAll = async (review: Review) => {
    for (const kind of ['tools', 'prompts', 'resourceTemplates'] as const) {
      if (review.items.some((i) => i.kind === kind && i.state !== 'approved'))
        await act('approve-all', () => call('tools:approve', { serverId, kind, all: true }));
    }
  };
  const setMode = (mode: ToolPolicyMode) => act('mode', () => call('tools:set-policy', { serverId, mode }));

  if (load.kind === 'loading')
    return (
      <p className="muted" role="status">
        Loading the tool review…
      </p>
    );
  if (load.kind === 'failed')
    return (
      <p className="form-error" role="alert">
        Could not load the tool review: {load.error}
      </p>
    );
  const review = load.value;
  const waiting = review.items.filter((i) => i.state !== 'approved');
  const approved = review.items.filter((i) => i.state === 'approved');
  return (
    <div className="tool-review" data-testid="tool-review">
      <div className="panel-title-row">
        <h3 className="panel-title">Tool review{review.pending > 0 && <span className="count count-attention">{review.pending} to review</span>}</h3>
        {review.pending > 1 && (
          <button type="button" className="btn btn-small btn-primary" disabled={busy !== undefined} onClick={() => void approveAll(review)}>
            Approve all
          </button>
        )}
      </div>
      <label className="tool-policy-mode">
        <span>Policy</span>
        <select
          value={review.mode}
          disabled={busy !== undefined}
          onChange={(e) => void setMode(e.target.value as ToolPolicyMode)}
          data-testid="tool-policy-mode"
        >
          {TOOL_POLICY_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {review.items.length === 0 && (
        <p className="muted">
          Nothing listed yet. The tools appear here the first time a client (or the Tools panel) lists them; that listing is approved as the baseline.
        </p>
      )}
      {waiting.length > 0 && (
        <ul className="review-list">
          {waiting.map((i) => (
            <li key={`${i.kind}:${i.name}`} className={`review-item review-${i.state}`} data-testid="review-item" data-name={i.name} data-state={i.state}>
              <div className="review-head">
                <span className="review-name">
                  {KIND[i.kind]} <code>{i.name}</code>
                </span>
                <span className={`chip chip-${i.state}`}>{i.state === 'pending' ? (i.previous ? 'Changed' : 'New') : 'Blocked'}</span>
                <span className="muted small">{tokens(i.tokens)}</span>
              </div>
              <p className="muted small">
                {i.state === 'pending'
                  ? `Withheld from every client of ${serverName} until you approve it.`
                  : `Kept from every client; a new version from ${serverName} comes back here for review.`}
              </p>
              <ToolDiff item={i} />
              <div className="review-actions">
                <button type="button" className="btn btn-small btn-primary" disabled={busy !== undefined} onClick={() => void approve(i)}>
                  {busy === `approve:${i.kind}:${i.name}` ? 'Approving…' : 'Approve'}
                </button>
                {i.state === 'pending' && (
                  <button type="button" className="btn btn-small btn-quiet-danger" disabled={busy !== undefined} onClick={() => void block(i)}>
                    Keep blocked
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {approved.length > 0 && (
        <ul className="approved-list" aria-label="Approved">
          {approved.map((i) => (
            <li key={`${i.kind}:${i.name}`} data-testid="approved-item" data-name={i.name}>
              <code>{i.name}</code>
              <span className="muted small">
                {i.kind !== 'tools' && `${KIND[i.kind].toLowerCase()} · `}
                {i.approvedHow ? HOW[i.approvedHow] : 'approved'} · {tokens(i.tokens)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import type { ServerSummary } from '../../../common/contract';
import { pillFor } from '../format';

export function StatePill({ server }: { server: ServerSummary }) {
  const pill = pillFor(server);
  return (
    <span className={`pill pill-${pill.tone}`} data-testid="state">
      <span className="pill-dot" aria-hidden="true" />
      {pill.label}
    </span>
  );
}

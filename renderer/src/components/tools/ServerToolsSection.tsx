import { ClientToolChecklist } from './ClientToolChecklist';
import { ToolReview } from './ToolReview';

/** The server page's tool policy: the review and the per-client checklist, one card each (placed by the page). */
export function ServerToolsSection({ serverId, serverName, now }: { serverId: string; serverName: string; now: number }) {
  return (
    <div className="detail-grid" data-testid="server-tools-section">
      <div className="card panel">
        <ToolReview serverId={serverId} serverName={serverName} />
      </div>
      <div className="card panel">
        <ClientToolChecklist serverId={serverId} now={now} />
      </div>
    </div>
  );
}

/**
 * Placeholder: the virtualized live log viewer (owned by the log-viewer work). Props are the
 * agreed interface; the rest of the renderer only renders <LogViewer … />.
 */
import type { ServerSummary } from '../../../../preload/contract';

export interface LogViewerProps {
  /** Servers to label lines with and to offer in the server filter. */
  servers: ServerSummary[];
  /** Start filtered to one server; absent: all servers. */
  initialServerId?: string;
  /** Compact height for embedding in the server detail view. */
  compact?: boolean;
}

export function LogViewer(_props: LogViewerProps) {
  return <div className="log-viewer">Logs</div>;
}

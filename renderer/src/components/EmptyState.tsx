export function EmptyState({ onAdd }: { onAdd: () => void }) {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-icon" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <h3>No servers yet</h3>
      <p>
        Add the URL of a remote MCP server, for example <code>https://mcp.example.com/mcp</code>. Switchboard checks it, signs you in when the server asks for
        it, and installs it into your MCP clients.
      </p>
      <button type="button" className="btn btn-primary" onClick={onAdd}>
        Add your first server
      </button>
      <p className="muted">One local proxy per server carries the traffic; its state and live logs show up here.</p>
    </div>
  );
}

export function EmptyState() {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-icon" aria-hidden="true">
        <span />
        <span />
        <span />
      </div>
      <h3>No servers yet</h3>
      <p>
        Paste the URL of a remote MCP server above, for example <code>https://mcp.example.com/mcp</code>, and
        press <strong>Add server</strong>.
      </p>
      <p className="muted">
        Switchboard runs one local proxy per server, signs you in when the server asks for it, and shows its state and
        live logs here.
      </p>
    </div>
  );
}

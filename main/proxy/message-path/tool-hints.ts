/**
 * What a server says about its own tools, remembered per proxy (every client of one server shares
 * it): whether a tool is marked `readOnlyHint: true` or `idempotentHint: true` in the annotations
 * of its `tools/list`. A tools/call whose outcome is unknown is retried only for such tools; a tool
 * never listed, or listed without either hint, is never run twice.
 */
export class ToolHints {
  private readonly repeatable = new Map<string, boolean>();

  /** Takes note of the tools of one `tools/list` answer (a page of it). */
  learn(tools: unknown[]): void {
    for (const tool of tools) {
      const t = tool as { name?: unknown; annotations?: { readOnlyHint?: unknown; idempotentHint?: unknown } } | null;
      if (!t || typeof t.name !== 'string') continue;
      const a = t.annotations;
      this.repeatable.set(t.name, a?.readOnlyHint === true || a?.idempotentHint === true);
    }
  }

  /** True when the server marked the tool read-only or idempotent. */
  isRepeatable(name: unknown): boolean {
    return typeof name === 'string' && this.repeatable.get(name) === true;
  }
}

/**
 * SEP-2243 (2026-07-28 era) for the client behind the proxy, which cannot send HTTP headers: from
 * each modern `tools/list` answer it remembers the tools' `x-mcp-header` declarations and leaves
 * out tools whose declarations are invalid, as an HTTP client must; on a modern `tools/call` of a
 * tool with declarations it adds the `Mcp-Param-*` headers to the POST; a call of a tool it left
 * out is answered with an error, never sent.
 */
import { ERR_INVALID_PARAMS, isNotification, isRequest, isResponse, isModernRequest, type JsonRpcId, type JsonRpcMessage } from '../../shared/mcp-http';
import { buildParamHeaders, scanParamHeaders, type ParamHeaderDeclaration } from '../mcp-param-headers';
import { answer, messagesOf, type Stage, type StageFactory, type StageLink, type ToClient, type ToServer } from './stage';

export function paramHeaders(log?: (level: 'warn', message: string) => void): StageFactory {
  return (link) => new ParamHeaderStage(link, log);
}

export class ParamHeaderStage implements Stage {
  /** Declarations of the tools listed on this connection (modern era), by tool name. */
  private readonly toolHeaders = new Map<string, ParamHeaderDeclaration[]>();
  /** Tools left out of `tools/list`, with the reason. */
  private readonly excludedTools = new Map<string, string>();
  /** Modern `tools/list` requests awaiting their answer. */
  private readonly modernLists = new Set<JsonRpcId>();

  constructor(
    private readonly link: StageLink,
    private readonly log?: (level: 'warn', message: string) => void,
  ) {}

  fromClient(m: ToServer): Promise<void> | void {
    const msg = m.message;
    if (!Array.isArray(msg) && isRequest(msg) && msg.method === 'tools/call') {
      // A tool left out of tools/list is not called upstream.
      const excluded = this.excludedTools.get(msg.params?.name);
      if (excluded !== undefined) return this.link.toClient(answer(msg.id, ERR_INVALID_PARAMS, `Tool "${msg.params.name}" is not available: ${excluded}`));
      const headers = this.headersFor(msg);
      if (headers) m = { ...m, headers: { ...m.headers, ...headers } };
    }
    for (const x of messagesOf(m)) {
      if (isRequest(x) && x.method === 'tools/list' && isModernRequest(x)) this.modernLists.add(x.id);
      else if (isNotification(x) && x.method === 'notifications/cancelled') this.modernLists.delete(x.params?.requestId);
    }
    return this.link.toServer(m);
  }

  fromServer(m: ToClient): void {
    const msg = m.message;
    if (isResponse(msg) && this.modernLists.delete(msg.id) && Array.isArray(msg.result?.tools)) {
      const screened = this.screen(msg);
      if (screened !== msg) m = { message: screened };
    }
    this.link.toClient(m);
  }

  /** Remembers each listed tool's declarations; leaves out the tools whose declarations are invalid. */
  private screen(m: JsonRpcMessage): JsonRpcMessage {
    const tools = (m.result.tools as JsonRpcMessage[]).filter((tool) => {
      if (!tool || typeof tool.name !== 'string') return true;
      const scan = scanParamHeaders(tool.inputSchema);
      if (scan.valid) {
        this.excludedTools.delete(tool.name);
        if (scan.declarations.length) this.toolHeaders.set(tool.name, scan.declarations);
        else this.toolHeaders.delete(tool.name);
        return true;
      }
      if (!this.excludedTools.has(tool.name)) this.log?.('warn', `Leaving out tool "${tool.name}": invalid x-mcp-header declaration (${scan.reason})`);
      this.excludedTools.set(tool.name, `its x-mcp-header declaration is invalid (${scan.reason})`);
      this.toolHeaders.delete(tool.name);
      return false;
    });
    return tools.length === m.result.tools.length ? m : { ...m, result: { ...m.result, tools } };
  }

  /** `Mcp-Param-*` headers for a modern-era `tools/call` of a tool with declarations. */
  private headersFor(m: JsonRpcMessage): Record<string, string> | undefined {
    if (!isModernRequest(m)) return undefined;
    const declarations = this.toolHeaders.get(m.params?.name);
    if (!declarations) return undefined;
    const headers = buildParamHeaders(declarations, m.params?.arguments);
    return Object.keys(headers).length ? headers : undefined;
  }
}

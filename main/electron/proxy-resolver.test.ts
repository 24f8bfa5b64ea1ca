import { describe, expect, it } from 'vitest';
import { ElectronProxyResolver } from './proxy-resolver';

describe('ElectronProxyResolver', () => {
  it("asks the session (Chromium's proxy settings, PAC included) once the app is ready", async () => {
    const asked: string[] = [];
    let ready!: () => void;
    const readyP = new Promise<void>((r) => (ready = r));
    const resolver = new ElectronProxyResolver(
      () => readyP,
      () => ({ resolveProxy: async (url: string) => (asked.push(url), 'PROXY proxy.corp:3128; DIRECT') }),
    );
    const answer = resolver.resolve('https://mcp.example.com/mcp');
    await new Promise((r) => setTimeout(r, 10));
    expect(asked).toEqual([]); // not before ready
    ready();
    expect(await answer).toBe('PROXY proxy.corp:3128; DIRECT');
    expect(asked).toEqual(['https://mcp.example.com/mcp']);
  });
});

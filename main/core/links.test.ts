import { describe, expect, it } from 'vitest';
import { parseAppLink } from './links';

describe('parseAppLink', () => {
  it('reads add links, decoding the URL and the optional name', () => {
    expect(parseAppLink('mcp-switchboard://add?url=https%3A%2F%2Fmcp.linear.app%2Fmcp&name=Linear')).toEqual({
      kind: 'add',
      url: 'https://mcp.linear.app/mcp',
      name: 'Linear',
    });
    expect(parseAppLink('mcp-switchboard://add?url=https://mcp.notion.com/mcp')).toEqual({ kind: 'add', url: 'https://mcp.notion.com/mcp' });
    expect(parseAppLink('mcp-switchboard://oauth/callback?code=x&state=y')).toEqual({ kind: 'oauth', url: 'mcp-switchboard://oauth/callback?code=x&state=y' });
  });

  it.each([
    ['https://evil.example/add?url=https://x', /not an mcp-switchboard: link/],
    ['javascript:alert(1)', /not an mcp-switchboard: link/],
    ['mcp-switchboard://add', /server URL was refused: Enter the server URL/],
    ['mcp-switchboard://add?url=javascript:alert(1)', /Only https:\/\/ URLs/],
    ['mcp-switchboard://add?url=http://192.168.1.10/mcp', /Plain http:\/\/ is allowed only for servers on this computer/],
    ['mcp-switchboard://add?url=https://user:pw@x.example/mcp', /user name or password/],
    ['mcp-switchboard://add?url=file:///etc/passwd', /Only https:\/\/ URLs/],
    ['mcp-switchboard://add?url=https://x.example/mcp&name=%00%01', /server name was refused/],
    ['mcp-switchboard://add?url=https://x.example/mcp&name=%E2%80%AEevil', /direction-changing/],
    ['mcp-switchboard://add?url=a%0Ab%E2%80%AEc', /refused: "a\uFFFDb\uFFFDc" is not a URL/],
    ['mcp-switchboard://delete-everything', /unknown link action "delete-everything"/],
    [`mcp-switchboard://add?url=https://x.example/${'a'.repeat(5000)}`, /longer than 4096/],
    ['not a url', /not a valid link/],
  ])('refuses %s with the reason', (link, reason) => {
    const r = parseAppLink(link);
    expect(r.kind).toBe('invalid');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe('install links', () => {
  it('name a registry server; the registry defaults to the official one', () => {
    expect(parseAppLink('mcp-switchboard://install?name=io.github.acme%2Fissues')).toEqual({
      kind: 'install',
      registry: 'official',
      name: 'io.github.acme/issues',
      link: 'mcp-switchboard://install?name=io.github.acme%2Fissues',
    });
    expect(parseAppLink('mcp-switchboard://install?registry=https%3A%2F%2Fregistry.acme.example&name=com.acme/tools')).toMatchObject({
      kind: 'install',
      registry: 'https://registry.acme.example',
      name: 'com.acme/tools',
    });
  });

  it.each([
    ['mcp-switchboard://install', /not a registry name/],
    ['mcp-switchboard://install?name=no-slash', /not a registry name/],
    ['mcp-switchboard://install?name=a/b%0A', /not a registry name/],
    ['mcp-switchboard://install?name=a/b&registry=%E2%80%AEevil', /registry was refused/],
  ])('%s is refused', (link, reason) => {
    const r = parseAppLink(link);
    expect(r.kind).toBe('invalid');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

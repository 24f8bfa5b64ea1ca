// Tests of the handler table against a FAKE in-memory core (testing/fake-core.ts). The real AppCore
// is tested in main/core; here we only check validation, error containment and event forwarding.
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, type AppInfo, type EventName } from '../../../common/contract';
import { createHandlers, dispatch, forwardEvents, LIMITS, type HandlerTable } from './handlers';
import { FakeSwitchboardCore, fakeServer, fakeStatus } from './testing/fake-core';

const info: AppInfo = { version: '1.2.3', dataDir: '/tmp/sb', platform: 'linux', loginItemSupported: false };

function setup() {
  const core = new FakeSwitchboardCore([fakeServer('alpha'), fakeServer('beta', 'error')]);
  const handlers = createHandlers(core, info);
  return { core, handlers };
}

describe('createHandlers', () => {
  it('has exactly one handler per contract call', () => {
    const { handlers } = setup();
    expect(Object.keys(handlers).sort()).toEqual([...CALL_NAMES].sort());
    for (const name of CALL_NAMES) expect(typeof handlers[name]).toBe('function');
  });

  it('answers every call with a Result', async () => {
    const { core, handlers } = setup();
    core.logs = [{ ts: 1, level: 'info', server: 'alpha', message: 'hello' }];
    expect(await handlers['servers:list'](undefined)).toMatchObject({ ok: true, value: [{ id: 'alpha' }, { id: 'beta' }] });
    const added = await handlers['servers:add']({ url: ' https://new.example.com/mcp ', name: ' New ' });
    expect(added).toMatchObject({ ok: true, value: { name: 'New', url: 'https://new.example.com/mcp' } });
    expect(await handlers['servers:set-enabled']({ serverId: 'alpha', enabled: false })).toMatchObject({
      ok: true,
      value: { id: 'alpha', enabled: false },
    });
    expect(await handlers['servers:restart']({ serverId: 'beta' })).toEqual({ ok: true, value: undefined });
    expect(await handlers['logs:tail']({ serverId: 'alpha', limit: 10 })).toEqual({
      ok: true,
      value: [{ ts: 1, level: 'info', server: 'alpha', message: 'hello' }],
    });
    expect(await handlers['servers:remove']({ serverId: 'beta' })).toMatchObject({
      ok: true,
      value: { uninstalled: [{ serverId: 'beta', clientId: 'claude-desktop' }], failed: [] },
    });
    expect(await handlers['app:info'](undefined)).toEqual({ ok: true, value: info });
    expect(core.calls.map((c) => c.method)).toEqual(['listServers', 'addServer', 'setEnabled', 'restartServer', 'tailLogs', 'removeServer']);
    expect(core.calls.at(-1)?.args).toEqual(['beta', { keepInClients: false }]);
  });

  it('answers the calls of the add flow, tools, logs, imports and settings', async () => {
    const { core, handlers } = setup();
    core.logs = [
      { ts: 3, level: 'info', server: 'beta', message: 'b3' },
      { ts: 1, level: 'info', server: 'alpha', message: 'a1' },
      { ts: 2, level: 'warn', server: 'beta', message: 'b2' },
    ];
    core.tools = { alpha: [{ name: 'echo', description: 'Echo' }] };
    core.imports = [
      {
        clientId: 'claude-desktop',
        clientName: 'Claude Desktop',
        file: '/f.json',
        entryName: 'linear',
        url: 'https://mcp.linear.app/mcp',
        headerNames: ['Authorization'],
      },
    ];
    expect(await handlers['servers:probe']({ url: ' https://mcp.linear.app/mcp ', headers: { 'X-Key': 'v' } })).toMatchObject({
      ok: true,
      value: { url: 'https://mcp.linear.app/mcp', reachable: true },
    });
    expect(core.calls.at(-1)?.args[0]).toEqual({ url: 'https://mcp.linear.app/mcp', headers: { 'X-Key': 'v' } });
    expect(await handlers['servers:tools']({ serverId: 'alpha' })).toEqual({ ok: true, value: [{ name: 'echo', description: 'Echo' }] });
    expect(await handlers['logs:tail']({})).toMatchObject({ ok: true, value: [{ message: 'a1' }, { message: 'b2' }, { message: 'b3' }] });
    expect(await handlers['logs:tail'](undefined)).toMatchObject({ ok: true, value: [{ message: 'a1' }, { message: 'b2' }, { message: 'b3' }] });
    expect(await handlers['logs:tail']({ limit: 2 })).toMatchObject({ ok: true, value: [{ message: 'b2' }, { message: 'b3' }] });
    expect(await handlers['logs:export-diagnostics'](undefined)).toMatchObject({ ok: true, value: { file: expect.stringContaining('diagnostics') } });
    expect(await handlers['clients:find-imports'](null)).toMatchObject({ ok: true, value: [{ entryName: 'linear', headerNames: ['Authorization'] }] });
    expect(await handlers['clients:import']({ clientId: 'claude-desktop', entryName: 'linear' })).toMatchObject({
      ok: true,
      value: { url: 'https://mcp.linear.app/mcp' },
    });
    expect(await handlers['settings:get'](undefined)).toEqual({
      ok: true,
      value: { launchAtLogin: false, logRetentionDays: 14, theme: 'system', weakStorage: 'ask' },
    });
    expect(await handlers['settings:set']({ theme: 'dark', logRetentionDays: 30 })).toMatchObject({ ok: true, value: { theme: 'dark', logRetentionDays: 30 } });
    expect(await handlers['servers:remove']({ serverId: 'alpha', keepInClients: true })).toEqual({ ok: true, value: { uninstalled: [], failed: [] } });
    expect(core.calls.map((c) => c.method)).toEqual([
      'probeServer',
      'listTools',
      'tailLogs',
      'tailLogs',
      'tailLogs',
      'exportDiagnostics',
      'findImports',
      'importEntry',
      'addServer',
      'getSettings',
      'setSettings',
      'removeServer',
    ]);
    expect(core.calls.filter((c) => c.method === 'tailLogs').map((c) => c.args)).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, 2],
    ]);
  });

  it('drops an empty optional name and passes headers through', async () => {
    const { core, handlers } = setup();
    await handlers['servers:add']({ url: 'https://x.example.com', name: '  ', headers: { Authorization: 'Bearer t' } });
    expect(core.calls.at(-1)?.args[0]).toEqual({ url: 'https://x.example.com', headers: { Authorization: 'Bearer t' } });
  });

  it('accepts null for calls without an argument and a lazy AppInfo', async () => {
    const core = new FakeSwitchboardCore();
    let version = '1';
    const handlers = createHandlers(core, () => ({ ...info, version }));
    version = '2';
    expect(await handlers['servers:list'](null)).toEqual({ ok: true, value: [] });
    expect(await handlers['app:info'](null)).toMatchObject({ ok: true, value: { version: '2' } });
  });

  const bad: Array<[keyof HandlerTable, unknown, RegExp]> = [
    ['servers:list', 'x', /servers:list: takes no argument, got a string/],
    ['app:info', { a: 1 }, /app:info: takes no argument, got an object/],
    ['servers:add', undefined, /servers:add: expected an object \{ url, name\?, headers\?, clientId\?, clientSecret\?, scopes\? \}, got nothing/],
    ['servers:add', { url: 'https://x', scopes: ['repo'] }, /"scopes" must be a string, got an array/],
    ['servers:add', { url: 'https://x', clientSecret: 5 }, /"clientSecret" must be a string/],
    ['auth:sign-in', { serverId: 3 }, /"serverId" must be a string, got a number/],
    ['auth:reset', {}, /"serverId" must be a string, got nothing/],
    ['servers:add', 'https://x', /got a string/],
    ['servers:add', [], /got an array/],
    ['servers:add', { url: 42 }, /"url" must be a string, got a number/],
    ['servers:add', { url: '   ' }, /"url" must not be empty/],
    ['servers:add', { url: 'https://x/' + 'a'.repeat(LIMITS.urlLength) }, /"url" is longer than 2048/],
    ['servers:add', { url: 'https://x', name: 7 }, /"name" must be a string/],
    ['servers:add', { url: 'https://x', extra: true }, /unknown field "extra"/],
    ['servers:add', { url: 'https://x', headers: 'a' }, /"headers" must be an object of strings/],
    ['servers:add', { url: 'https://x', headers: { A: 1 } }, /header "A" must have a string value/],
    ['servers:remove', null, /servers:remove: expected an object \{ serverId, keepInClients\? \}, got null/],
    ['servers:remove', { serverId: '' }, /"serverId" must not be empty/],
    ['servers:remove', { id: 'alpha' }, /unknown field "id"/],
    ['servers:restart', { serverId: 1 }, /"serverId" must be a string, got a number/],
    ['servers:set-enabled', { serverId: 'alpha' }, /"enabled" must be a boolean, got nothing/],
    ['servers:set-enabled', { serverId: 'alpha', enabled: 'yes' }, /"enabled" must be a boolean, got a string/],
    ['logs:tail', { serverId: 'alpha', limit: 0 }, /"limit" must be an integer from 1 to 10000/],
    ['logs:tail', { serverId: 'alpha', limit: 1.5 }, /"limit" must be an integer/],
    ['logs:tail', { serverId: 'alpha', limit: '5' }, /"limit" must be an integer/],
    ['logs:tail', { serverId: 7 }, /"serverId" must be a string, got a number/],
    ['logs:tail', { server: 'alpha' }, /unknown field "server"/],
    ['logs:tail', 'alpha', /expected an object \{ serverId\?, limit\? \}, got a string/],
    ['servers:probe', undefined, /servers:probe: expected an object \{ url, headers\? \}, got nothing/],
    ['servers:probe', { url: '' }, /"url" must not be empty/],
    ['servers:probe', { url: 'https://x', name: 'n' }, /unknown field "name"/],
    ['servers:probe', { url: 'https://x', headers: { A: 2 } }, /header "A" must have a string value/],
    ['servers:remove', { serverId: 'alpha', keepInClients: 'yes' }, /"keepInClients" must be a boolean, got a string/],
    ['servers:tools', {}, /"serverId" must be a string, got nothing/],
    ['servers:tools', { serverId: 'alpha', page: 2 }, /unknown field "page"/],
    ['logs:export-diagnostics', { all: true }, /logs:export-diagnostics: takes no argument/],
    ['clients:find-imports', 'x', /clients:find-imports: takes no argument/],
    ['clients:import', { clientId: 'claude-desktop' }, /"entryName" must be a string, got nothing/],
    ['clients:import', { clientId: 'claude-desktop', entryName: 'x', url: 'u' }, /unknown field "url"/],
    ['clients:import', { clientId: 'c'.repeat(65), entryName: 'x' }, /"clientId" is longer than 64/],
    ['settings:get', {}, /settings:get: takes no argument/],
    ['settings:set', null, /settings:set: expected an object of settings, got null/],
    ['settings:set', { launchAtLogin: 'yes' }, /settings:set: launchAtLogin must be true or false/],
    ['settings:set', { logRetentionDays: 0 }, /logRetentionDays must be a whole number of days from 1 to 90/],
    ['settings:set', { logRetentionDays: 91 }, /from 1 to 90/],
    ['settings:set', { logRetentionDays: 2.5 }, /whole number/],
    ['settings:set', { theme: 'blue' }, /theme must be one of system, light, dark/],
    ['settings:set', { weakStorage: 'disk' }, /weakStorage must be one of ask, store, memory/],
    ['settings:set', { fontSize: 3 }, /Unknown setting "fontSize"/],
  ];

  it.each(bad)('%s refuses %j', async (name, arg, message) => {
    const { core, handlers } = setup();
    const result = await handlers[name](arg);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
    expect(core.calls.filter((c) => c.method !== 'listServers' || name === 'servers:list')).toEqual([]);
  });

  it('never echoes header values in errors', async () => {
    const { handlers } = setup();
    const result = await handlers['servers:add']({ url: 'https://x', headers: { Authorization: 'x'.repeat(LIMITS.headerValueLength + 1) } });
    expect(result).toEqual({ ok: false, error: 'servers:add: header "Authorization" is too long' });
  });

  it('turns sync throws, async rejections and non-Error throws into errors', async () => {
    const { core, handlers } = setup();
    core.failNext = new Error('disk full');
    expect(await handlers['servers:list'](undefined)).toEqual({ ok: false, error: 'disk full' });
    core.failNext = 'plain string';
    expect(await handlers['logs:tail']({ serverId: 'alpha' })).toEqual({ ok: false, error: 'plain string' });
    core.failNext = { weird: true };
    expect(await handlers['servers:restart']({ serverId: 'alpha' })).toEqual({ ok: false, error: 'Unknown error' });
    // An async rejection from the core's own logic.
    expect(await handlers['servers:add']({ url: 'ftp://nope' })).toEqual({ ok: false, error: 'Not an http(s) URL: ftp://nope' });
    expect(await handlers['servers:remove']({ serverId: 'ghost' })).toEqual({ ok: false, error: 'No server "ghost"' });
    const throwingInfo = createHandlers(core, () => {
      throw new Error('no info');
    });
    expect(await throwingInfo['app:info'](undefined)).toEqual({ ok: false, error: 'no info' });
  });
});

describe('dispatch', () => {
  it('refuses names outside the contract', async () => {
    const { handlers } = setup();
    expect(await dispatch(handlers, 'servers:drop-all', undefined)).toEqual({ ok: false, error: 'Unknown call "servers:drop-all"' });
    expect(await dispatch(handlers, 'constructor', undefined)).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 42, undefined)).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'servers:list', undefined)).toMatchObject({ ok: true });
  });
});

describe('forwardEvents', () => {
  it('forwards every core event under its contract name and unsubscribes on dispose', () => {
    const core = new FakeSwitchboardCore();
    const seen: Array<[EventName, unknown]> = [];
    const dispose = forwardEvents(core, (name, payload) => seen.push([name, payload]));
    expect(core.listenerCount).toBe(6);

    const status = fakeStatus('alpha', 'retrying');
    core.status.fire(status);
    core.list.fire([fakeServer('alpha')]);
    core.settingsChanged.fire({ launchAtLogin: false, logRetentionDays: 7, theme: 'dark', weakStorage: 'memory' });
    core.appended.fire([{ ts: 2, level: 'warn', server: 'alpha', message: 'slow' }]);
    core.propose({ url: 'https://mcp.example.org/mcp' });
    core.elicitationsChanged.fire([]);
    expect(seen.map(([n]) => n)).toEqual([...EVENT_NAMES]);
    expect(seen[0]![1]).toBe(status);

    dispose();
    dispose();
    expect(core.listenerCount).toBe(0);
    core.status.fire(status);
    expect(seen).toHaveLength(6);
  });

  it("hands a link's proposal to the window once", async () => {
    const core = new FakeSwitchboardCore();
    const handlers = createHandlers(core, { version: '1', dataDir: '/d', platform: 'linux', loginItemSupported: false });
    expect(await handlers['app:take-proposal'](undefined)).toEqual({ ok: true, value: null });
    core.propose({ url: 'https://mcp.example.org/mcp', name: 'Example' });
    expect(await handlers['app:take-proposal'](undefined)).toEqual({ ok: true, value: { url: 'https://mcp.example.org/mcp', name: 'Example' } });
    expect(await handlers['app:take-proposal'](undefined)).toEqual({ ok: true, value: null });
  });

  it('keeps the core emitting when the sink throws', () => {
    const core = new FakeSwitchboardCore();
    let calls = 0;
    forwardEvents(core, () => {
      calls++;
      throw new Error('window destroyed');
    });
    expect(() => core.status.fire(fakeStatus('a'))).not.toThrow();
    expect(() => core.status.fire(fakeStatus('a'))).not.toThrow();
    expect(calls).toBe(2);
  });
});

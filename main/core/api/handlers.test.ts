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
      value: { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'system', weakStorage: 'ask', newServerTools: 'review' },
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
    ['servers:add', { url: 'https://x', retryBudgetSeconds: '15' }, /"retryBudgetSeconds" must be a number, got a string/],
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
    ['servers:find-or-add', undefined, /servers:find-or-add: expected an object \{ url, name\?, headers\?, clientId\?, clientSecret\?, scopes\? \}/],
    ['servers:find-or-add', { url: 'https://x', headers: { 'X-Key': 7 } }, /servers:find-or-add: header "X-Key" must have a string value/],
    ['servers:find-or-add', { url: 'https://x', extra: true }, /unknown field "extra"/],
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
    ['servers:add', { url: 'https://x', draft: 'yes' }, /"draft" must be a boolean, got a string/],
    ['servers:keep', {}, /"serverId" must be a string, got nothing/],
    ['servers:discard', { serverId: 'alpha', url: 'x' }, /unknown field "url"/],
    ['servers:update', undefined, /servers:update: expected an object/],
    ['servers:update', { name: 'x' }, /"serverId" must be a string, got nothing/],
    ['servers:update', { serverId: 'alpha', url: '  ' }, /"url" must not be empty/],
    ['servers:update', { serverId: 'alpha', headers: { A: 1 } }, /header "A" must have a string value or null/],
    ['servers:update', { serverId: 'alpha', headers: [] }, /"headers" must be an object of strings or nulls, got an array/],
    ['servers:update', { serverId: 'alpha', clientSecret: '' }, /"clientSecret" must be null or a string of 1 to 8192 characters/],
    ['servers:update', { serverId: 'alpha', transport: 'sse' }, /unknown field "transport"/],
    ['servers:update', { serverId: 'alpha', proxy: 3128 }, /"proxy" must be "system", "direct" or a proxy URL/],
    ['auth:sign-in-page', { serverId: 1 }, /"serverId" must be a string, got a number/],
    ['auth:open-sign-in-page', {}, /"serverId" must be a string, got nothing/],
    ['auth:cancel-sign-in', null, /expected an object \{ serverId \}, got null/],
    ['clients:backups', {}, /"clientId" must be a string, got nothing/],
    ['clients:restore-backup', { clientId: 'cursor', backupId: '../../etc/passwd' }, /"backupId" is a backup's name, not a path/],
    ['clients:restore-backup', { clientId: 'cursor', backupId: '..' }, /not a path/],
    ['clients:restore-backup', { clientId: 'cursor' }, /"backupId" must be a string, got nothing/],
    ['app:take-view-request', { view: 'add' }, /app:take-view-request: takes no argument/],
    ['app:reveal', { path: 7 }, /"path" must be a string, got a number/],
    ['app:reveal', { file: '/x' }, /unknown field "file"/],
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
    const secret = `s3cret-${'y'.repeat(LIMITS.headerValueLength)}`;
    for (const arg of [
      { serverId: 'alpha', headers: { Authorization: secret } },
      { serverId: 'alpha', clientSecret: secret },
    ]) {
      const r = await handlers['servers:update'](arg);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).not.toContain('s3cret');
    }
  });

  it('answers the calls of drafts, the Edit form, the sign-in page, backups, view requests and reveal', async () => {
    const { core, handlers } = setup();
    const draft = await handlers['servers:add']({ url: 'https://acme.example.com/mcp', name: 'Acme', draft: true });
    expect(draft).toMatchObject({ ok: true, value: { name: 'Acme' } });
    expect(core.calls.at(-1)).toEqual({ method: 'addServer', args: [{ url: 'https://acme.example.com/mcp', name: 'Acme', draft: true }] });
    const id = draft.ok ? draft.value.id : '';
    expect((await handlers['servers:list'](undefined)).ok && core.servers.some((s) => s.id === id)).toBe(false);
    expect(await handlers['servers:keep']({ serverId: id })).toMatchObject({ ok: true, value: { id } });
    expect(await handlers['servers:discard']({ serverId: id })).toMatchObject({ ok: false, error: expect.stringMatching(/not a server being added/) });

    const edited = await handlers['servers:update']({
      serverId: 'alpha',
      name: 'Alpha',
      headers: { 'X-Key': 'new', 'X-Old': null },
      clientSecret: null,
      scopes: '',
    });
    expect(edited).toMatchObject({ ok: true, value: { server: { name: 'Alpha', headerNames: ['X-Key'] }, signedOut: false } });
    expect(core.calls.at(-1)!.args[0]).toEqual({
      serverId: 'alpha',
      name: 'Alpha',
      headers: { 'X-Key': 'new', 'X-Old': null },
      clientSecret: null,
      scopes: '',
    });
    // The network: empty is a choice (the system's settings, no CA file), kept as such.
    await handlers['servers:update']({ serverId: 'alpha', proxy: ' ', caFile: '' });
    expect(core.calls.at(-1)!.args[0]).toEqual({ serverId: 'alpha', proxy: 'system', caFile: '' });
    await handlers['servers:update']({ serverId: 'alpha', proxy: ' http://ann:pw@proxy:3128 ', caFile: ' /etc/root.pem ' });
    expect(core.calls.at(-1)!.args[0]).toEqual({ serverId: 'alpha', proxy: 'http://ann:pw@proxy:3128', caFile: '/etc/root.pem' });

    expect(await handlers['auth:sign-in-page']({ serverId: 'alpha' })).toEqual({ ok: true, value: null });
    core.signInPages.alpha = { url: 'https://auth.example.com/authorize?state=s', expiresAt: 5 };
    expect(await handlers['auth:sign-in-page']({ serverId: 'alpha' })).toEqual({ ok: true, value: core.signInPages.alpha });
    expect(await handlers['auth:open-sign-in-page']({ serverId: 'alpha' })).toEqual({ ok: true, value: undefined });
    expect(await handlers['auth:cancel-sign-in']({ serverId: 'alpha' })).toEqual({ ok: true, value: undefined });
    expect(await handlers['auth:open-sign-in-page']({ serverId: 'alpha' })).toMatchObject({ ok: false });

    expect(await handlers['clients:backups']({ clientId: 'claude-desktop' })).toMatchObject({ ok: true, value: [{ id: expect.stringMatching(/\.bak$/) }] });
    expect(await handlers['clients:restore-backup']({ clientId: 'claude-desktop', backupId: 'x.bak' })).toMatchObject({
      ok: true,
      value: { file: '/fake/claude_desktop_config.json' },
    });

    expect(await handlers['app:take-view-request'](undefined)).toEqual({ ok: true, value: null });
    core.requestView({ view: 'add' });
    expect(await handlers['app:take-view-request'](null)).toEqual({ ok: true, value: { view: 'add' } });
    expect(await handlers['app:take-view-request'](undefined)).toEqual({ ok: true, value: null });
    expect(await handlers['app:reveal']({ path: '/fake/claude_desktop_config.json' })).toEqual({ ok: true, value: undefined });
    expect(await handlers['app:reveal']({ path: '/etc/passwd' })).toMatchObject({ ok: false });
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

describe('the tool policy calls', () => {
  it('pass validated arguments to the core', async () => {
    const { core, handlers } = setup();
    expect(await handlers['tools:review']({ serverId: 'alpha' })).toEqual({ ok: true, value: { serverId: 'alpha', mode: 'ask', items: [], pending: 0 } });
    expect((await handlers['tools:approve']({ serverId: 'alpha', names: ['search'] })).ok).toBe(true);
    expect((await handlers['tools:approve']({ serverId: 'alpha', kind: 'prompts', all: true })).ok).toBe(true);
    expect((await handlers['tools:block']({ serverId: 'alpha', name: 'search' })).ok).toBe(true);
    expect(await handlers['tools:set-policy']({ serverId: 'alpha', mode: 'allow-new' })).toMatchObject({ ok: true, value: { mode: 'allow-new' } });
    expect((await handlers['tools:clients']({ serverId: 'alpha' })).ok).toBe(true);
    expect(await handlers['tools:set-hidden']({ serverId: 'alpha', clientId: 'cursor', tool: 'echo', hidden: true })).toMatchObject({
      ok: true,
      value: { clientId: 'cursor', visible: 0 },
    });
    expect(await handlers['tools:context-cost'](undefined)).toEqual({ ok: true, value: [] });
    expect(core.calls.map((c) => [c.method, ...c.args])).toEqual([
      ['toolReview', 'alpha'],
      ['approveDefinitions', 'alpha', 'tools', ['search']],
      ['approveDefinitions', 'alpha', 'prompts', 'all'],
      ['blockDefinition', 'alpha', 'tools', 'search'],
      ['setToolPolicy', 'alpha', 'allow-new'],
      ['clientTools', 'alpha'],
      ['setToolHidden', 'alpha', 'cursor', 'echo', true],
      ['contextCost'],
    ]);
  });

  it('refuse malformed arguments with a sentence, before the core', async () => {
    const { core, handlers } = setup();
    const refused = async (p: Promise<{ ok: boolean; error?: string }>) => (await p).error;
    expect(await refused(handlers['tools:approve']({ serverId: 'alpha' }))).toBe('tools:approve: give either "names" or "all": true');
    expect(await refused(handlers['tools:approve']({ serverId: 'alpha', names: ['a'], all: true }))).toBe('tools:approve: give either "names" or "all": true');
    expect(await refused(handlers['tools:approve']({ serverId: 'alpha', names: [] }))).toMatch(/"names" must be a list of 1 to 1000 names/);
    expect(await refused(handlers['tools:approve']({ serverId: 'alpha', names: [7] }))).toMatch(/"names\[\]" must be a string/);
    expect(await refused(handlers['tools:approve']({ serverId: 'alpha', all: true, kind: 'resources' }))).toMatch(
      /"kind" must be one of tools, prompts, resourceTemplates/,
    );
    expect(await refused(handlers['tools:block']({ serverId: 'alpha' }))).toMatch(/"name" must be a string/);
    expect(await refused(handlers['tools:set-policy']({ serverId: 'alpha', mode: 'yolo' }))).toBe(
      'tools:set-policy: "mode" must be one of ask, allow-new, allow-all',
    );
    expect(await refused(handlers['tools:set-hidden']({ serverId: 'alpha', clientId: 'Cursor!', tool: 'x', hidden: true }))).toMatch(
      /"clientId" must be a client id/,
    );
    expect(await refused(handlers['tools:set-hidden']({ serverId: 'alpha', clientId: 'cursor', tool: 'x', hidden: 'yes' }))).toMatch(
      /"hidden" must be a boolean/,
    );
    expect(await refused(handlers['tools:set-hidden']({ serverId: 'alpha', clientId: 'cursor', tool: 'x', hidden: true, extra: 1 }))).toMatch(
      /unknown field "extra"/,
    );
    expect(await refused(handlers['tools:context-cost']({}))).toMatch(/takes no argument/);
    expect(core.calls).toEqual([]);
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
    expect(core.listenerCount).toBe(8);

    const status = fakeStatus('alpha', 'retrying');
    core.status.fire(status);
    core.list.fire([fakeServer('alpha')]);
    core.settingsChanged.fire({
      launchAtLogin: false,
      logRetentionDays: 7,
      proxyIdleMinutes: 5,
      theme: 'dark',
      weakStorage: 'memory',
      newServerTools: 'review',
    });
    core.appended.fire([{ ts: 2, level: 'warn', server: 'alpha', message: 'slow' }]);
    core.propose({ url: 'https://mcp.example.org/mcp' });
    core.requestView({ view: 'server', serverId: 'alpha', tab: 'log' });
    core.toolsChanged.fire({ serverId: 'alpha', pending: 2 });
    core.elicitationsChanged.fire([]);
    expect(seen.map(([n]) => n)).toEqual([...EVENT_NAMES]);
    expect(seen.at(-3)![1]).toEqual({ view: 'server', serverId: 'alpha', tab: 'log' });
    expect(seen.at(-2)![1]).toEqual({ serverId: 'alpha', pending: 2 });
    expect(seen.at(-1)![1]).toEqual([]);
    expect(seen[0]![1]).toBe(status);

    dispose();
    dispose();
    expect(core.listenerCount).toBe(0);
    core.status.fire(status);
    expect(seen).toHaveLength(8);
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

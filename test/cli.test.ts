/** The command line, run as a real process from the bundle (out/cli/index.js) on a temp home. */
import { describe, expect, it } from 'vitest';
import { makeTempHome, runCli } from './fixtures/harness';

const cli = runCli;

describe('cli', () => {
  it('adds, lists (text and --json) and removes servers; refuses bad URLs with the reason', () => {
    const home = makeTempHome();
    try {
      const add = cli(home.env, 'add', 'https://mcp.linear.app/mcp', '--name', 'Linear', '--header', 'X-Team: ${env:TEAM}', '--json');
      expect(add.code).toBe(0);
      expect(JSON.parse(add.out)).toEqual({ id: 'linear', name: 'Linear', url: 'https://mcp.linear.app/mcp' });
      expect(cli(home.env, 'list').out).toMatch(/^linear\tenabled \tLinear\thttps:\/\/mcp\.linear\.app\/mcp$/m);
      const bad = cli(home.env, 'add', 'http://example.com/mcp');
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/Plain http:\/\/ is allowed only for servers on this computer/);
      const dup = cli(home.env, 'add', 'https://mcp.linear.app/mcp', '--header', 'X-Team: ${env:TEAM}');
      expect(dup.code).toBe(1);
      expect(dup.err).toMatch(/already added as "Linear"/);
      expect(cli(home.env, 'remove', 'linear').code).toBe(0);
      expect(JSON.parse(cli(home.env, 'list', '--json').out)).toEqual([]);
      expect(cli(home.env, 'frobnicate').code).toBe(2);
    } finally {
      home.cleanup();
    }
  });
});

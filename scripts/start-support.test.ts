import { describe, expect, it } from 'vitest';
import { devDataDir as appDevDataDir } from '../main/electron/app-identity';
import { devDataDir, SANDBOX_FAILURE, sandboxAdvice } from './start-support.mjs';

describe('npm start helpers', () => {
  it("the checkout's data directory is the one the app picks for a checkout, on every OS", () => {
    const envs = [
      { HOME: '/home/u' },
      { HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/cfg' },
      { USERPROFILE: 'C:\\Users\\u', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
      { HOME: '/Users/u' },
    ];
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const env of envs) {
        if (platform === 'win32' ? !env.USERPROFILE : !env.HOME) continue;
        expect(devDataDir(env, platform)).toBe(appDevDataDir(env, platform));
      }
    }
    expect(devDataDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.config/mcp-switchboard-dev');
  });

  it("recognises Chromium's sandbox abort, and the advice fixes the helper instead of dropping the sandbox", () => {
    expect(SANDBOX_FAILURE.test('[1:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly.')).toBe(true);
    expect(SANDBOX_FAILURE.test('error while loading shared libraries: libnss3.so')).toBe(false);
    const advice = sandboxAdvice('/repo/node_modules/electron/dist');
    expect(advice).toContain("sudo chown root:root '/repo/node_modules/electron/dist/chrome-sandbox' && sudo chmod 4755");
    expect(advice).not.toContain('--no-sandbox');
  });
});

/**
 * ChildLauncher over child_process.fork. In the app, Electron's fork runs the script on the app's
 * own runtime (ELECTRON_RUN_AS_NODE); in tests and the headless host it is plain Node. The child's
 * environment is scrubbed of anything that looks like a credential: secrets travel over the fork
 * channel only. The proxy variables go too (they may carry a proxy's password, and the route is
 * main's decision, handed over with the rest of the server's network configuration). No
 * `--use-system-ca`: the child reads the system store itself (tls.getCACertificates('system'),
 * Node 22.15+ and Electron 35+), which Electron's runtime supports where that flag is refused.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildLauncher, LaunchSpec } from '../ports';

const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL|AUTH)/i;
/** HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (any case): main decides the route. */
const PROXY_ENV = /^(https?|all|no)_proxy$/i;

export function scrubEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SECRET_ENV.test(k)) continue;
    if (k.startsWith('NODE_OPTIONS') || k === 'NODE_INSPECT') continue;
    if (PROXY_ENV.test(k)) continue;
    out[k] = v;
  }
  return out;
}

export class NodeChildLauncher implements ChildLauncher {
  constructor(
    private readonly execPath: string = process.execPath,
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  launch(spec: LaunchSpec): ChildProcess {
    return fork(spec.script, [], {
      execPath: this.execPath,
      execArgv: [],
      env: { ...scrubEnv(this.baseEnv), ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      windowsHide: true,
    });
  }
}

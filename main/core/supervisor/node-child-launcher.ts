/**
 * ChildLauncher over child_process.fork. In the app, Electron's fork runs the script on the app's
 * own runtime (ELECTRON_RUN_AS_NODE); in tests and the headless host it is plain Node. The child's
 * environment is scrubbed of anything that looks like a credential: secrets travel over the fork
 * channel only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { ChildLauncher, LaunchSpec } from '../ports';

const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL|AUTH)/i;

export function scrubEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SECRET_ENV.test(k)) continue;
    if (k.startsWith('NODE_OPTIONS') || k === 'NODE_INSPECT') continue;
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

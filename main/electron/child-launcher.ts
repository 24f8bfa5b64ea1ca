/**
 * ChildLauncher for the app: the core's fork-based NodeChildLauncher (scrubbed env copy, IPC
 * channel, piped stdout/stderr) run on the app's own binary. Electron already sets
 * ELECTRON_RUN_AS_NODE=1 for children it forks; we set it explicitly so the child is plain Node
 * whatever Electron does, and so spec.env cannot turn it off. No Electron import: the class is
 * tested with real children under Node (child-launcher.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import type { ChildLauncher, LaunchSpec } from '../core/ports';
import { NodeChildLauncher } from '../core/supervisor/node-child-launcher';

export interface ElectronChildLauncherOptions {
  /** Runtime binary; defaults to process.execPath (the Electron binary in the app). */
  execPath?: string;
  /** Base environment (copied, never mutated); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export function electronChildSpec(spec: LaunchSpec): LaunchSpec {
  return { ...spec, env: { ...spec.env, ELECTRON_RUN_AS_NODE: '1' } };
}

export class ElectronChildLauncher implements ChildLauncher {
  private readonly inner: NodeChildLauncher;

  constructor(options: ElectronChildLauncherOptions = {}) {
    this.inner = new NodeChildLauncher(options.execPath ?? process.execPath, options.env ?? process.env);
  }

  launch(spec: LaunchSpec): ChildProcess {
    return this.inner.launch(electronChildSpec(spec));
  }
}

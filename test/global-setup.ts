/**
 * Builds the node entries once before the tests: the integration tests run the real bundled
 * proxy and connector as child processes, exactly as the app ships them.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=cli'], { cwd: root, stdio: 'inherit' });
}

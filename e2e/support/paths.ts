import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const rendererOut = path.join(repoRoot, 'out', 'renderer');
export const screenshotsDir = path.join(repoRoot, 'docs', 'screenshots');

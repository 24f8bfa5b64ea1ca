// The import rules of docs/ARCHITECTURE.md are enforced by ESLint (`npm run lint`, a step of
// `npm test`). These cases run the project's own eslint.config.mjs on snippets placed in each layer,
// so a config that stopped catching a wrong arrow (a renamed folder, a pattern typo) fails here
// instead of passing silently.
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The rule ids reported for `code` as if it were the file at `file` (relative to the root). */
async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

const BOUNDARY = 'boundaries/dependencies';
const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('import rules', () => {
  it.each([
    ['main/core/x.ts', "import { startListener } from '../proxy/listener';\nexport const a = startListener;\n", BOUNDARY],
    ['main/core/x.ts', "import type { ProxyRuntime } from '../proxy/proxy-runtime';\nexport type A = ProxyRuntime;\n", BOUNDARY],
    ['main/core/x.ts', "import { ElectronTray } from '../electron/tray';\nexport const a = ElectronTray;\n", BOUNDARY],
    ['main/proxy/x.ts', "import { AppCore } from '../core/app-core';\nexport const a = AppCore;\n", BOUNDARY],
    ['main/connector/x.ts', "import { AppCore } from '../core/app-core';\nexport const a = AppCore;\n", BOUNDARY],
    ['main/shared/x.ts', "import { AppCore } from '../core/app-core';\nexport const a = AppCore;\n", BOUNDARY],
    ['common/x.ts', "import { WIRE_VERSION } from '../main/shared/wire';\nexport const a = WIRE_VERSION;\n", BOUNDARY],
    ['preload/x.ts', "import { AppCore } from '../main/core/app-core';\nexport const a = AppCore;\n", BOUNDARY],
    ['renderer/src/x.ts', "import { AppCore } from '../../main/core/app-core';\nexport const a = AppCore;\n", BOUNDARY],
    ['main/index.ts', "import { startListener } from './proxy/listener';\nexport const a = startListener;\n", BOUNDARY],
  ])('refuses a wrong arrow: %s ← %s', async (file, code, rule) => {
    expect(await problems(file, code)).toContain(rule);
  });

  it.each([
    ['common/x.ts', "import * as fs from 'node:fs';\nexport const a = fs;\n"],
    ['main/connector/x.ts', "import Conf from 'conf';\nexport const a = Conf;\n"],
    ['renderer/src/x.ts', "import * as fs from 'node:fs';\nexport const a = fs;\n"],
    ['main/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['main/proxy/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['main/electron/tray-menu-model.ts', "import { Menu } from 'electron';\nexport const a = Menu;\n"],
  ])('refuses a package where it does not belong: %s ← %s', async (file, code) => {
    expect(await problems(file, code)).toContain(RESTRICTED);
  });

  it.each([
    [
      'main/core/x.ts',
      "import { WIRE_VERSION } from '../shared/wire';\nimport type { AppInfo } from '../../common/contract';\nexport const a: AppInfo | number = WIRE_VERSION;\n",
    ],
    ['main/proxy/x.ts', "import { WIRE_VERSION } from '../shared/wire';\nexport const a = WIRE_VERSION;\n"],
    ['main/electron/x.ts', "import { app } from 'electron';\nimport { AppCore } from '../core/app-core';\nexport const a = [app, AppCore];\n"],
    ['main/index.ts', "import { app } from 'electron';\nimport { AppCore } from './core/app-core';\nexport const a = [app, AppCore];\n"],
    ['main/core/x.ts', "import type { App } from 'electron';\nexport type A = App;\n"],
    [
      'renderer/src/x.ts',
      "import { useState } from 'react';\nimport type { AppInfo } from '../../common/contract';\nexport const a: [typeof useState, AppInfo | null] = [useState, null];\n",
    ],
    ['preload/x.ts', "import { CALL_NAMES } from '../common/contract';\nexport const a = CALL_NAMES;\n"],
  ])('allows the arrows of the rules: %s ← %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});

describe('file size', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const a${i} = ${i};`).join('\n') + '\n';
  it('refuses a source file of main/ over 700 lines, not a test or a file elsewhere', async () => {
    expect(await problems('main/core/x.ts', lines(701))).toContain('max-lines');
    expect(await problems('main/core/x.ts', lines(700))).toEqual([]);
    expect(await problems('main/core/x.test.ts', lines(701))).not.toContain('max-lines');
  });
});

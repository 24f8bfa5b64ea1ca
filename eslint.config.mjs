// Lint for the whole tree (`npm run lint`; also a step of `npm test`). The part that matters most is
// the layering: which folder may import which (docs/ARCHITECTURE.md, "Import rules"). Each layer is
// an element of eslint-plugin-boundaries; an import that crosses the lines below fails the lint.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/** The layers: folders, from the repository root (`partialMatch: false`: the whole path). */
const elements = [
  { type: 'common', pattern: 'common' },
  { type: 'shared', pattern: 'main/shared' },
  { type: 'core', pattern: 'main/core' },
  { type: 'proxy', pattern: 'main/proxy' },
  { type: 'connector', pattern: 'main/connector' },
  { type: 'electron', pattern: 'main/electron' },
  { type: 'headless', pattern: 'main/headless' },
  { type: 'cli', pattern: 'main/cli' },
  { type: 'preload', pattern: 'preload' },
  { type: 'renderer', pattern: 'renderer/src' },
  // What is left directly in main/: the Electron root, main/index.ts (first match wins).
  { type: 'root', pattern: 'main' },
].map((e) => ({ ...e, partialMatch: false }));

/** Who may import whom (besides itself). */
const allowed = {
  common: [],
  shared: ['common'],
  core: ['common', 'shared'],
  proxy: ['common', 'shared'],
  connector: ['common', 'shared'],
  electron: ['common', 'shared', 'core'],
  headless: ['common', 'shared', 'core'],
  // The command line hosts the core like the headless host, and `connect` relays like the connector.
  cli: ['common', 'shared', 'core', 'headless', 'connector'],
  root: ['common', 'shared', 'core', 'electron'],
  preload: ['common'],
  renderer: ['common'],
};

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const SOURCES = ['**/*.{ts,tsx,mts,cts}'];
const TESTS = ['**/*.test.{ts,tsx}', '**/testing/**', 'test/**', 'e2e/**', 'bench/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', '**/*.d.ts', 'conformance/**'] },
  js.configs.recommended,
  // Control characters are matched on purpose (refusing them in names and URLs, stripping ANSI).
  { rules: { 'no-control-regex': 'off' } },
  ...tseslint.configs.recommended,
  {
    files: SOURCES,
    languageOptions: { parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    rules: {
      // The code base uses `any` deliberately at protocol edges (JSON-RPC payloads), with guards.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // Layering: every import between layers must be allowed above; tests and fixtures are exempt.
  {
    files: SOURCES,
    ignores: TESTS,
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['common/**', 'main/**', 'preload/**', 'renderer/**'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            // Nothing local outside the layers (an unknown local file would escape the rules).
            ...Object.entries(allowed).map(([from, to]) => ({
              from: { element: { type: from } },
              allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
            })),
            // Packages: decided per layer by no-restricted-imports below.
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
    },
  },
  // electron is imported at runtime only by the Electron layer, its root and the preload
  // (anywhere else it would try to fetch a binary, and tests could not load the module).
  {
    files: SOURCES,
    ignores: ['main/electron/**', 'main/index.ts', 'preload/index.ts', ...TESTS],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only main/electron/**, main/index.ts and preload/index.ts import electron at runtime.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  // The pure half of the Electron layer (menu model, policies, options) is tested without any
  // electron module, mocked or real.
  {
    files: [
      'main/electron/{tray-menu-model,tray-actions,security-policy,launch-options,autostart-linux,login-items,app-identity,appimage-connector,scheme-handler-linux,startup-failure,child-launcher}.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'This module is the pure half of an adapter: tested without electron.', allowTypeImports: true }] },
      ],
    },
  },
  // common/ is pure TypeScript: no Node, no DOM, no packages.
  {
    files: ['common/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^[^.]', message: 'common/ imports nothing but common/.' }] }],
    },
  },
  // A file of main/ reads in one sitting: 700 lines at most (tests aside).
  {
    files: ['main/**/*.ts'],
    ignores: TESTS,
    rules: { 'max-lines': ['error', { max: 700 }] },
  },
  // The connector starts on every client launch: Node built-ins only.
  {
    files: ['main/connector/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!node:|\\.)', message: 'The connector has no dependencies: node: built-ins only.' }] },
      ],
    },
  },
  // The renderer reaches the outside only through window.switchboard: React, its files, common/.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: [...TESTS, 'renderer/vite.config.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The two classic hook rules. The plugin's React Compiler rules (refs, set-state-in-effect, …)
      // judge code written for the compiler, which this renderer does not use.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node.' })),
          patterns: [{ regex: '^(?!react(-dom)?(/|$)|\\.)', message: 'The renderer imports only React, its own files and common/.' }],
        },
      ],
    },
  },
  // Functions of the log-view bench run inside the page (page.evaluate).
  {
    files: ['bench/logview.mjs'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', requestAnimationFrame: 'readonly', MessageChannel: 'readonly' } },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        globalThis: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
  },
);

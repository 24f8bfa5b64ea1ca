import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'common/**/*.test.ts',
      'main/**/*.test.ts',
      'preload/**/*.test.ts',
      'renderer/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'test/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    exclude: ['e2e/**', 'node_modules/**', 'out/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Two at a time even on two cores (vitest's default is cores − 1): most files wait on child
    // processes, sockets and servers, not on the CPU.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // electron-store imports 'electron': processed by vitest so the mocked module reaches it.
    server: { deps: { inline: ['electron-store'] } },
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});

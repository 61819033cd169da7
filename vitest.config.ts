import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
  // As in the bundle (scripts/build.mjs): @azure/identity's `import("open")` gets our opener.
  resolve: {
    alias: {open: fileURLToPath(new URL('./source/lib/browser-opener.ts', import.meta.url))},
  },
  test: {
    // Inlined, so the alias above applies to its import of `open` (external deps skip aliases).
    server: {deps: {inline: ['@azure/identity']}},
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/helpers/hermetic.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration and e2e tests start servers and child processes; two cores here.
    pool: 'forks',
    // .ci/run asks for a JSON report to print its closing "N passed, N failed" line.
    reporters: process.env.AML_AUTH_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.AML_AUTH_TEST_REPORT
      ? {json: process.env.AML_AUTH_TEST_REPORT}
      : undefined,
  },
});

import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
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

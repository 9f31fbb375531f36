import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The package's self-reference ('stateful-cache-router') resolves to its sources, not dist/.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The property tests run thousands of cases; a slow CI core should not fail them on time.
    testTimeout: 60_000,
  },
});

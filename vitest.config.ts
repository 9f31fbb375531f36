import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The property tests run thousands of cases; a slow CI core should not fail them on time.
    testTimeout: 60_000,
  },
});

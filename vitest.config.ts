import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Browser tests build and serve the site once; they run after the unit tests.
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests never sleep on real time; a slow test is a bug, not a reason to wait longer.
    testTimeout: 20_000,
  },
});

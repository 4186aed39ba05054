import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test runs the TypeScript compiler over a fixture (~1 s alone); when nx runs other
    // packages' tasks beside it on a 2-core machine that can pass the 5 s default.
    testTimeout: 30_000,
  },
});

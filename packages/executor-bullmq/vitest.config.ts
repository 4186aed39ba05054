import { defineConfig } from 'vitest/config';

// The distributed tests spawn worker processes and wait for stall detection; on a loaded
// 2-core machine that takes seconds. One file at a time keeps their timing predictable.
export default defineConfig({ test: { testTimeout: 90_000, hookTimeout: 60_000, fileParallelism: false } });

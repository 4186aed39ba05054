import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.js';

// The distributed tests spawn worker processes and wait for stall detection; on a loaded
// 2-core machine that takes seconds. One file at a time keeps their timing predictable.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 90_000, fileParallelism: false } }));

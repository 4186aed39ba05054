import { defineConfig } from 'vitest/config';

// Runs go through the real engine; on a loaded 2-core machine one takes a second or more.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });

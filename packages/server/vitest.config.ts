import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.js';

// Runs go through the real engine; on a loaded 2-core machine one takes a second or more.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 60_000 } }));

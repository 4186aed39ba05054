import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.js';

// End-to-end tests spawn the real CLI; on a loaded 2-core machine each run takes seconds.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 60_000 } }));

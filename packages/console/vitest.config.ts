import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.js';

// The console's own vite.config.ts (the browser build) is not the test config: unit tests run in node.
export default mergeConfig(shared, defineConfig({ test: { environment: 'node', include: ['src/**/*.test.ts'] } }));

import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.js';

// Each test runs the TypeScript compiler over a fixture (~1 s alone); the shared 30 s default
// covers it when nx runs other packages' tasks beside it on a 2-core machine.
export default mergeConfig(shared, defineConfig({ test: {} }));

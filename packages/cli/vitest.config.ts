import { defineConfig } from 'vitest/config';

// End-to-end tests spawn the real CLI; on a loaded 2-core machine each run takes seconds.
export default defineConfig({ test: { testTimeout: 60_000 } });

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The one place for the repository's vitest settings. `vitest run` inside a package looks for
// a config upwards from there, so a package without its own config uses this one; a package
// that needs more merges it (`mergeConfig(shared, { test: { ... } })`, see packages/cli).
//
// On a busy 2-core machine (nx runs several packages' tests at once) even an in-process engine
// run can take ten times as long as alone: 5 s, vitest's default, failed tests that pass
// alone. Tests that spawn processes, start worker pools or talk to a service still give their
// own, larger timeout beside the test, sized for that work.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // Every stream app a test runs announces itself there (see docs/console.md#stream-apps):
    // a folder of the tests', not the one `pype ui` lists the user's own apps from.
    env: { PYPE_STREAM_APPS_DIR: join(tmpdir(), `pypeline-stream-apps-tests-${process.getuid?.() ?? 'user'}`) },
  },
});

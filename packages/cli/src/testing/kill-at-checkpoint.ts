// Test-only, kept out of the build: `pype run <app.ts> --state-dir <dir> --progress 0`, except
// that the process SIGKILLs itself at one phase of one checkpoint, given as `<phase>:<n>` (e.g.
// `staged:2`: after the 2nd checkpoint of this run was staged, before its sinks committed).
// src/e2e/stream-kill.test.ts bundles and runs it:
//   node kill-at-checkpoint.mjs <app.ts> <state dir> <phase>:<n>
import type { StreamApp } from '@pypeline/stream';
import { importCodeFlow } from '../flow-source.js';
import { runStreamAppCli } from '../stream-app-run.js';

const [app, stateDir, killAt] = process.argv.slice(2);
if (!app || !stateDir || !/^(flushed|staged|committed):\d+$/.test(killAt ?? '')) {
  throw new Error('usage: kill-at-checkpoint <app.ts> <state dir> <flushed|staged|committed>:<n>');
}
const exported = (await importCodeFlow(app)) as StreamApp;
process.exitCode = await runStreamAppCli(app, exported, { stateDir, progress: '0' }, {
  onCheckpointPhase: (phase, n) => {
    if (`${phase}:${n}` === killAt) process.kill(process.pid, 'SIGKILL');
  },
});

// The worker thread behind one `pype dev` cycle: validate the flow, and when it is valid build it
// and run it on a sample. Each cycle is a fresh worker so that module packages rebuilt since the
// last one are imported anew (Node keeps an imported ES module for the life of its thread).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadJob, PypeError, runJob } from '@pypeline/core';
import { reportResult } from '../commands/run.js';
import { validateFlowFile } from '../commands/validate.js';
import { consoleReporter } from '../console-reporter.js';
import { reportError } from '../report-error.js';
import { parseSets } from '../run-extras.js';
import { resolveRunTarget } from '../run-target.js';
import { CANCEL, type DevCycleInput, type DevCycleMessage } from './cycle-messages.js';

const input = workerData as DevCycleInput;
const port = parentPort!;
const controller = new AbortController();
port.on('message', (m) => {
  if (m === CANCEL) controller.abort(new PypeError('cancelled by pype dev', { hint: 'a save or Ctrl-C stopped this sample run' }));
});
const out = (line: string) => void process.stdout.write(`${line}\n`);

try {
  await cycle();
} catch (err) {
  reportError(err, input.debug);
} finally {
  port.postMessage({ type: 'done' } satisfies DevCycleMessage);
  port.close();
}

async function cycle(): Promise<void> {
  if ((await validateFlowFile(input.file, { out: 'jobs' })) !== 0 || controller.signal.aborted) return;
  const target = await resolveRunTarget(input.file, { context: input.context, set: input.set });
  if (target.kind === 'stream') throw new PypeError(`${input.file} is a stream flow, which runs until stopped`, { hint: `run it with \`pype run ${input.file}\`; pype dev re-runs batch flows` });
  try {
    const nodes = Object.values(loadJob(target.jobDir).dag.nodes);
    port.postMessage({ type: 'modules', entries: nodes.map((n) => n.resolved_entry) } satisfies DevCycleMessage);
    out(`▷ sample run: at most ${input.limit} rows per source`);
    const result = await runJob(target.jobDir, {
      context: input.context,
      contextOverrides: parseSets(input.set),
      listeners: [consoleReporter(out, input.verbose)],
      logDir: join(tmpdir(), 'pypeline-logs'),
      signal: controller.signal,
      limit: input.limit,
    });
    if (result.interrupted) out(`■ ${result.flow}: sample run cancelled`);
    else reportResult(result);
  } finally {
    if (target.tempDir) rmSync(target.tempDir, { recursive: true, force: true });
  }
}

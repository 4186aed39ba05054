import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { loopbackExecutor } from '../testing/loopback-executor.js';
import { runJob } from './run-job.js';

// Two engine runs (one per sub flow task), each with its worker pool: seconds on a busy machine.
describe('sub flows as tasks (the executor seam)', () => {
  it('gives the same results as a local run, including ITERATE lists and globals', async () => {
    const yaml = flowYaml({
      modules: `  - id: list\n    name: emit_rows\n    configs:\n      required:\n        rows: 3\n  - id: inner\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{iter.item.id}}"\n  - id: out\n    name: count_sink\n  - id: after\n    name: sleep_solo\n    configs:\n      required:\n        ms: 1\n      optional:\n        note: "saw {{out__seen}}"`,
      data: ['inner.data - out.input'],
      control: ['list (iterate|) inner', 'list (2|) after'],
    });
    const build = () => buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) }).jobDir;
    const local = await runJob(build(), { searchDirs: [fixtureProject()] });
    const executor = loopbackExecutor();
    const remote = await runJob(build(), { executor, searchDirs: ['/nonexistent'] });
    expect(remote.status).toBe('success');
    const noTimes = (g: Record<string, unknown>) => Object.fromEntries(Object.entries(g).filter(([k]) => !k.endsWith('.duration_ms')));
    expect(noTimes(remote.globals)).toEqual(noTimes(local.globals));
    expect(executor.tasks.map((t) => `${t.subflow}#${t.frame.path.join('.') || 0}`)).toEqual(['subflow_1#0', 'subflow_2#0', 'subflow_2#1', 'subflow_2#2', 'subflow_3#0']);
    const logs = (r: typeof local) => r.events.flatMap((e) => (e.type === 'log' ? [`${e.nodeId}: ${e.msg}`] : []));
    expect(logs(remote)).toEqual(logs(local));
    expect(remote.modules.map((m) => [m.nodeId, m.status])).toEqual(local.modules.map((m) => [m.nodeId, m.status]));
  });
}, 60_000);

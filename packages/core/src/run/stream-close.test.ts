import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob } from './run-job.js';

// A sink that fails before reading (or after reading part of) a chain of streaming modules must
// end the run: the streams it left are closed up to the source, not awaited for ever.
describe('a reader that fails mid-stream', () => {
  for (const readFirst of [0, 1, 3]) {
    it(`ends the run when the sink fails after reading ${readFirst} batches`, async () => {
      const file = writeFlow(flowYaml({
        modules: [
          '  - id: src\n    name: stream_rows\n    configs:\n      required:\n        batches: 50',
          '  - id: pass\n    name: stream_pass',
          `  - id: out\n    name: refusing_sink\n    configs:\n      optional:\n        read_first: ${readFirst}`,
        ].join('\n'),
        data: ['src.data - pass.input', 'pass.output - out.input'],
      }));
      const { jobDir } = buildFlow(file, { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
      const r = await runJob(jobDir, { searchDirs: [fixtureProject()] });
      expect(r.status).toBe('failed');
      expect(r.errors.map((e) => e.message)).toEqual(['out (refusing_sink) failed: cannot open the output']);
      expect(r.modules.find((m) => m.nodeId === 'out#0')?.status).toBe('failed');
    }, 60_000);
  }
});

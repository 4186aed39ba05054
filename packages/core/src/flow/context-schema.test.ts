import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { runJob } from '../run/run-job.js';
import { check, fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';

const SCHEMA = `context_schema:
  type: object
  additionalProperties: false
  required: [rows, mode]
  properties:
    rows: { type: integer, minimum: 1 }
    mode: { enum: [full, delta] }`;

const flow = (contexts: string) =>
  flowYaml({ context: contexts, modules: `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: "{{context.rows}}"\n  - id: out\n    name: count_sink`, data: ['src.data - out.input'] })
    .replace('modules:', `${SCHEMA}\nmodules:`);

describe('context_schema', () => {
  it('checks every declared context at build and reports every problem with its line', () => {
    const r = check(flow(`  default:\n    rows: 3\n    mode: full\n  prod:\n    rows: "many"\n    mdoe: delta`));
    expect(r.ok).toBe(false);
    const messages = r.errors.map((e) => `${e.line}: ${e.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\d+: context "prod": "rows" must be an integer \(got string "many"\)/),
      expect.stringMatching(/^\d+: context "prod": unknown key "mdoe". Did you mean "mode"\?/),
      expect.stringMatching(/^\d+: context "prod": missing required key "mode"/),
    ]));
    expect(r.errors).toHaveLength(3);
  });

  it('refuses a context_schema that is not a JSON Schema', () => {
    const r = check(flow(`  default:\n    rows: 3\n    mode: full`).replace('type: object', 'type: 12'));
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/declares a context_schema that is not a valid JSON Schema/)]);
  });

  it('checks the context of each run, with --set values over it, reporting every problem at once', async () => {
    const { jobDir } = buildFlow(writeFlow(flow(`  default:\n    rows: 3\n    mode: full`)), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
    const ok = await runJob(jobDir, { searchDirs: [fixtureProject()], contextOverrides: { rows: 4 } });
    expect(ok.results.out.globals.seen).toBe(4);
    const bad = runJob(jobDir, { searchDirs: [fixtureProject()], contextOverrides: { rows: 0, mode: 'sideways', extra: 1 } });
    const message = await bad.then(() => '', (err: Error) => err.message);
    expect(message).toMatch(/does not match the flow's context_schema, 3 problems:/);
    for (const line of ['- rows: "rows" must be >= 1', '- mode: "mode" must be one of "full", "delta"', '- extra: unknown key "extra"']) expect(message).toContain(line);
  });
});

// `pype dev` as a developer runs it: a flow over a CSV of 5000 rows, sampled at 100 rows per source;
// saves of a broken and then a fixed flow are checked and re-run; Ctrl-C ends it with exit 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { BIN, devEnv, ROOT } from './scaffold-helpers.js';

const ROWS = 5000;

function flowText(input: string, output: string, condition: string): string {
  return `flow:\n  name: dev_sample\nmodules:
  - id: read
    name: csv_source
    configs: { required: { file_path: ${JSON.stringify(input)} } }
  - id: keep
    name: filter_mod
    configs: { required: { condition: ${JSON.stringify(condition)} } }
  - id: write
    name: csv_sink
    configs: { required: { output_path: ${JSON.stringify(output)} } }
connections:
  data: ["read.data - keep.input", "keep.output - write.input"]
`;
}

/** Lines written to the output file, without its header. */
const rowsIn = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1);

describe('pype dev', () => {
  it('checks and re-runs a flow on a sample on every save, and stops with Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-dev-'));
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out.csv');
    writeFileSync(input, `id,name\n${Array.from({ length: ROWS }, (_, i) => `${i},row ${i}`).join('\n')}\n`);
    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, flowText(input, output, 'id >= 0'));

    const child = spawn(process.execPath, [BIN, 'dev', flow, '--limit', '100'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: devEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = (text: string, from: number) =>
      until(() => out.indexOf(text, from) >= 0, () => `"${text}" from pype dev; its output:\n${out}`, 120_000);
    try {
      // The first run: the source passes on 100 of its 5000 rows, all of which the filter keeps.
      await waitFor('… watching', 0);
      expect(out).toContain('✓ dev_sample succeeded');
      expect(out).toMatch(/✓ read#0 .* 0 → 100 rows/);
      expect(rowsIn(output)).toHaveLength(100);
      expect(out).toContain(join('modules', 'csv-source', 'src')); // a workspace module's sources are watched

      // A broken flow: the problem is printed as `pype validate` prints it, and nothing runs.
      let mark = out.length;
      writeFileSync(flow, flowText(input, output, 'nope >= 0'));
      await waitFor('problem', mark);
      await waitFor('… watching', mark);
      const broken = out.slice(mark);
      expect(broken).toMatch(/flow\.yaml:\d+:\d+/);
      expect(broken).toContain('nope');
      expect(broken).not.toContain('succeeded');

      // Fixed: a new sample run with the new result.
      mark = out.length;
      writeFileSync(flow, flowText(input, output, 'id < 10'));
      await waitFor('… watching', mark);
      expect(out.slice(mark)).toContain('✓ dev_sample succeeded');
      expect(out.slice(mark)).toMatch(/✓ keep#0 .* 100 → 10 rows/);
      expect(rowsIn(output)).toEqual(Array.from({ length: 10 }, (_, i) => `${i},row ${i}`));
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited, out).toBe(0);
    expect(out).toContain('stopping pype dev');
  }, 300_000);
});

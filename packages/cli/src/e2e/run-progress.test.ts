// `pype run`'s progress: on a terminal (a pty made by util-linux `script`, sized with stty) a live
// block redrawn by log-update shows each running module's rows, rows/s and bytes read of the
// file's size; through a pipe, plain lines at most every --progress seconds; --json has neither.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, devEnv, output, pype, ROOT } from './scaffold-helpers.js';

const SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!SCRIPT) console.warn('skipping the terminal progress test: util-linux `script` is missing (apt-get install -y bsdutils)');

describe('progress of pype run', () => {
  let dir: string;
  let flow: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pype-progress-'));
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},name${i % 997},${i % 90}`);
    writeFileSync(join(dir, 'people.csv'), `id,name,age\n${rows.join('\n')}\n`);
    flow = join(dir, 'flow.yaml');
    // Small chunks: many batches, so progress is reported many times during the run.
    writeFileSync(flow, `flow:\n  name: progress\nmodules:
  - id: read
    name: csv_source
    configs: { required: { file_path: ${JSON.stringify(join(dir, 'people.csv'))} }, optional: { chunk_bytes: 65536 } }
  - id: adults
    name: filter_mod
    configs: { required: { condition: "age > 18" } }
  - id: write
    name: csv_sink
    configs: { required: { output_path: ${JSON.stringify(join(dir, 'out.csv'))} } }
connections:
  data: ["read.data - adults.input", "adults.output - write.input"]
`);
  });

  it.skipIf(!SCRIPT)('redraws a live block on a terminal: rows and bytes read of the total per running module', () => {
    const command = `stty rows 40 cols 160; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run ${JSON.stringify(flow)}`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: devEnv(), timeout: 300_000 });
    expect(r.status, output(r)).toBe(0);
    // A redrawn line of the csv source: its rows and the bytes read of the file's size.
    expect(r.stdout).toMatch(/read#0 +[\d.]+ m?s {2}[\d,.]+ (M )?rows .*KiB of [\d.]+ MiB \(\d+%\)/);
    expect(r.stdout).toMatch(/adults#0 +[\d.]+ m?s {2}[\d,.]+ (M )?rows/);
    // log-update erases the block before each redraw and the lines that stay are the usual ones.
    expect(r.stdout).toContain('\u001b[2K');
    expect(r.stdout).toMatch(/✓ read#0 .*0 → 200000 rows/);
  }, 300_000);

  it('writes plain progress lines through a pipe, and none with --json', () => {
    const plain = pype(['run', flow, '--progress', '0.001'], ROOT);
    expect(plain.status, output(plain)).toBe(0);
    expect(plain.stdout).toMatch(/ {2}… read#0 +[\d.]+ m?s {2}[\d,]+ rows/);
    expect(plain.stdout).not.toContain('\u001b[');
    const json = pype(['run', flow, '--json'], ROOT);
    expect(json.status, output(json)).toBe(0);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const progress = events.filter((e) => e.type === 'module.progress' && e.nodeId === 'read#0');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ totalBytes: expect.any(Number), bytes: expect.any(Number) });
  }, 300_000); // two runs of the CLI: minutes when the disk and both cores are busy
});

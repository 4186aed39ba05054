import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
// The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
const pype = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('--events, pype replay and --plugin', () => {
  it('records a run, replays its summary and timeline, and runs plugin hooks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-ev-'));
    const flow = readFileSync(join(ROOT, 'examples/sample_etl.yaml'), 'utf8').replace('data_dir: examples/data', `data_dir: ${join(ROOT, 'examples/data')}`).replace('out_dir: out', `out_dir: ${dir}`);
    writeFileSync(join(dir, 'flow.yaml'), flow);
    writeFileSync(join(dir, 'plugin.mjs'), 'export default { afterModule(r) { console.log(`[plugin] ${r.nodeId} ${r.status}`); }, beforeModule() { throw new Error("boom"); } };\n');
    const events = join(dir, 'events.jsonl');
    const run = pype(['run', join(dir, 'flow.yaml'), '--events', events, '--plugin', join(dir, 'plugin.mjs')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[plugin] report#0 success');
    expect(run.stdout).toMatch(/! report#0 hook beforeModule failed: boom/);
    const lines = readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('run.started');
    expect(lines.at(-1)).toMatchObject({ type: 'run.finished', status: 'success' });

    const replay = pype(['replay', events]);
    expect(replay.status).toBe(0);
    expect(replay.stdout).toMatch(/module\s+status\s+time/);
    expect(replay.stdout).toMatch(/output_parquet#0\s+\|.*█.*\|/);
    expect(replay.stdout).toMatch(/✓ sample_etl success/);

    const bad = pype(['replay', join(dir, 'flow.yaml')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/flow.yaml:1 is not an event line/);
  });
}, 180_000);

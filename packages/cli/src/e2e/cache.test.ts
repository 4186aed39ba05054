import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

function pype(args: string[], env: Record<string, string> = {}) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The sample flow (CSV stream -> filter -> derive -> Parquet -> log line) writing into `dir`, with the given filter condition. */
function sampleFlow(dir: string, condition: string): string {
  const file = join(dir, 'sample_etl.yaml');
  const text = readFileSync(join(ROOT, 'examples/sample_etl.yaml'), 'utf8')
    .replace('data_dir: examples/data', `data_dir: ${join(ROOT, 'examples/data')}`)
    .replace('out_dir: out', `out_dir: ${dir}`)
    .replace('condition: "age > 18"', `condition: "${condition}"`);
  writeFileSync(file, text);
  return file;
}

/** Runs a flow and returns each module's summary status, from the recorded events. */
function runStatuses(flow: string, args: string[], env: Record<string, string> = {}): Record<string, string> {
  const events = join(mkdtempSync(join(tmpdir(), 'pype-events-')), 'run.jsonl');
  const r = pype(['run', flow, '--events', events, ...args], env);
  expect(r.code, r.stderr).toBe(0);
  const out: Record<string, string> = {};
  for (const line of readFileSync(events, 'utf8').trim().split('\n')) {
    const e = JSON.parse(line);
    if (e.type === 'module.finished') out[e.moduleId] = 'success';
    if (e.type === 'module.cached') out[e.moduleId] = 'cached';
  }
  return out;
}

async function rows(parquet: string): Promise<unknown[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(`SELECT * FROM read_parquet('${parquet}') ORDER BY ALL`)).getRowObjectsJson();
  } finally {
    conn.closeSync();
  }
}

describe('pype run --cache', () => {
  it('skips unchanged modules, reruns an edited one and its downstream, and writes what an uncached run writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-cache-e2e-'));
    const cacheDir = join(dir, 'cache');
    const flow = sampleFlow(dir, 'age > 18');
    const all = { source_csv: 'success', transform_data: 'success', enrich: 'success', output_parquet: 'success', report: 'success' };
    expect(runStatuses(flow, ['--cache-dir', cacheDir])).toEqual(all);
    // PYPE_CACHE_DIR names the same folder; the sink and the log line always run.
    expect(runStatuses(flow, ['--cache'], { PYPE_CACHE_DIR: cacheDir })).toEqual({ ...all, source_csv: 'cached', transform_data: 'cached', enrich: 'cached' });

    sampleFlow(dir, 'age > 30');
    const second = pype(['run', flow, '--cache-dir', cacheDir]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/source_csv#0 +cached .*cache [0-9a-f]{12}/);
    expect(second.stdout).toMatch(/transform_data#0 +success/);
    expect(second.stdout).toMatch(/enrich#0 +success/);
    const cached = await rows(join(dir, 'adults.parquet'));

    const plainDir = mkdtempSync(join(tmpdir(), 'pype-plain-e2e-'));
    expect(runStatuses(sampleFlow(plainDir, 'age > 30'), [])).toEqual(all);
    expect(cached).toEqual(await rows(join(plainDir, 'adults.parquet')));
    expect(cached.length).toBeGreaterThan(0);

    const ls = pype(['cache', 'ls', '--cache-dir', cacheDir]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/source_csv \(csv_source\) +@pypeline\/mod-csv-source@/);
    expect(ls.stdout.match(/transform_data \(filter_mod\)/g)).toHaveLength(2);
    expect(ls.stdout.match(/enrich \(derive_mod\)/g)).toHaveLength(2);
    expect(ls.stdout).toMatch(/5 entries/);
    const clear = pype(['cache', 'clear', '--cache-dir', cacheDir]);
    expect(clear.stdout).toMatch(/removed 5 entries/);
    expect(pype(['cache', 'ls', '--cache-dir', cacheDir]).stdout).toMatch(/is empty/);
  });

  it('reports a bad size without a stack trace', () => {
    const r = pype(['run', 'examples/sample_etl.yaml', '--cache-max-size', 'lots']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the size "lots"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
}, 300_000);

import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { envProvider } from '../secrets/providers.js';
import { fixtureProject, flowYaml, writeFlow } from '../testing/flow-files.js';
import { runJob, type RunResult } from '../run/run-job.js';
import { clearCache, listCache } from './cache-folder.js';

const SECRET = 'hunter2-very-secret';

/** src (emit_rows) -> keep (keep_rows, a stream) -> stamp (not cacheable) -> pass -> out (write_sink). */
function pipeline(minId: number, outFile: string, runsLog: string): string {
  return flowYaml({
    modules: [
      `  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 6`,
      `  - id: keep\n    name: keep_rows\n    configs:\n      required:\n        min_id: ${minId}\n      optional:\n        token: "{{secret.api_token}}"\n        note: "key={{secret.api_token}}"`,
      `  - id: stamp\n    name: stamp_rows`,
      `  - id: pass\n    name: pass_rows`,
      `  - id: out\n    name: write_sink\n    configs:\n      required:\n        path: ${JSON.stringify(outFile)}\n        runs_log: ${JSON.stringify(runsLog)}`,
    ].join('\n'),
    data: ['src.data - keep.input', 'keep.output - stamp.input', 'stamp.output - pass.input', 'pass.output - out.input'],
  });
}

async function runFlow(yaml: string, cache: { dir: string; maxBytes?: number } | undefined): Promise<RunResult> {
  const { jobDir } = buildFlow(writeFlow(yaml), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) });
  return runJob(jobDir, { searchDirs: [fixtureProject()], cache, secretProviders: [envProvider({ PYPE_SECRET_API_TOKEN: SECRET })] });
}

const statuses = (r: RunResult) => Object.fromEntries(Object.entries(r.results).map(([id, m]) => [id, m.status]));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

// Several engine runs per test, each with its worker pool: seconds on a busy machine.
describe('pype run --cache', () => {
  it('reruns only the edited module and what is downstream of it, with the output of an uncached run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-cache-'));
    const cache = { dir: join(dir, 'cache') };
    const out = join(dir, 'out.json');
    const log = join(dir, 'runs.log');

    const first = await runFlow(pipeline(2, out, log), cache);
    expect(first.status, first.errors[0]?.message).toBe('success');
    expect(statuses(first)).toEqual({ src: 'success', keep: 'success', stamp: 'success', pass: 'success', out: 'success' });

    const second = await runFlow(pipeline(2, out, log), cache);
    // stamp is not cacheable, so it runs; its output is unchanged, so pass is still a hit. The sink always runs.
    expect(statuses(second)).toEqual({ src: 'cached', keep: 'cached', stamp: 'success', pass: 'cached', out: 'success' });
    expect(second.events.filter((e) => e.type === 'module.cached').map((e) => e.nodeId)).toEqual(['src#0', 'keep#0', 'pass#0']);
    expect(second.results.keep.globals.kept).toBe(4);
    expect(second.results.keep.rowsOut).toBe(4);

    const third = await runFlow(pipeline(4, out, log), cache);
    expect(statuses(third)).toEqual({ src: 'cached', keep: 'success', stamp: 'success', pass: 'success', out: 'success' });
    const cachedOutput = readFileSync(out, 'utf8');

    const uncachedOut = join(dir, 'uncached.json');
    const plain = await runFlow(pipeline(4, uncachedOut, log), undefined);
    expect(statuses(plain)).toEqual({ src: 'success', keep: 'success', stamp: 'success', pass: 'success', out: 'success' });
    expect(JSON.parse(cachedOutput)).toEqual(JSON.parse(readFileSync(uncachedOut, 'utf8')));
    expect(JSON.parse(cachedOutput).map((r: { id: number }) => r.id)).toEqual([4, 5]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('never writes a secret value into the cache folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-cache-'));
    const cache = { dir: join(dir, 'cache') };
    const r = await runFlow(pipeline(1, join(dir, 'out.json'), join(dir, 'runs.log')), cache);
    expect(r.status).toBe('success');
    const files = filesUnder(cache.dir);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    for (const f of files) expect(readFileSync(f).includes(SECRET), f).toBe(false);
    // The secret still decides the key: another value misses.
    const other = await runJob(buildFlow(writeFlow(pipeline(1, join(dir, 'out.json'), join(dir, 'runs.log'))), { searchDirs: [fixtureProject()], outDir: mkdtempSync(join(tmpdir(), 'pype-jobs-')) }).jobDir, {
      searchDirs: [fixtureProject()],
      cache,
      secretProviders: [envProvider({ PYPE_SECRET_API_TOKEN: 'another-secret' })],
    });
    expect(statuses(other)).toMatchObject({ src: 'cached', keep: 'success' });
  });

  it('shares one entry between two modules with the same key in one run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-cache-'));
    const cache = { dir: join(dir, 'cache') };
    const twin = (id: string) => `  - id: ${id}\n    name: keep_rows\n    configs:\n      required:\n        min_id: 3`;
    const sink = (id: string) => `  - id: ${id}\n    name: write_sink\n    configs:\n      required:\n        path: ${JSON.stringify(join(dir, `${id}.json`))}\n        runs_log: ${JSON.stringify(join(dir, 'runs.log'))}`;
    const yaml = flowYaml({
      modules: [`  - id: src\n    name: emit_rows\n    configs:\n      required:\n        rows: 5`, twin('a'), twin('b'), sink('out_a'), sink('out_b')].join('\n'),
      data: ['src.data - a.input', 'src.data - b.input', 'a.output - out_a.input', 'b.output - out_b.input'],
    });
    expect((await runFlow(yaml, cache)).status).toBe('success');
    const again = await runFlow(yaml, cache);
    expect(statuses(again)).toMatchObject({ src: 'cached', a: 'cached', b: 'cached' });
    expect(listCache(cache.dir)).toHaveLength(2);
    for (const id of ['out_a', 'out_b']) expect(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')).map((r: { id: number }) => r.id)).toEqual([3, 4]);
  });

  it('lists its entries and evicts least recently used ones over the size limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-cache-'));
    const cache = { dir: join(dir, 'cache') };
    const yaml = pipeline(2, join(dir, 'out.json'), join(dir, 'runs.log'));
    await runFlow(yaml, cache);
    const entries = listCache(cache.dir);
    expect(entries.map((e) => e.module_id).sort()).toEqual(['keep', 'pass', 'src']);
    expect(entries.every((e) => e.bytes > 0 && e.rows_out > 0)).toBe(true);

    const small = await runFlow(yaml, { ...cache, maxBytes: 1 });
    expect(small.events.some((e) => e.type === 'log' && /evicted 3 least recently used entries/.test(e.msg))).toBe(true);
    expect(listCache(cache.dir)).toEqual([]);

    writeFileSync(join(cache.dir, 'stray.txt'), 'not mine');
    expect(() => clearCache(cache.dir)).toThrow(/does not look like a PYpeline cache/);
  });
}, 60_000);

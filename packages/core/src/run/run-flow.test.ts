import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { flow, step } from '../builder/flow-builder.js';
import { FlowValidationError } from '../errors.js';
import { fixtureProject } from '../testing/flow-files.js';
import type { ModuleResult, RunResult } from './run-job.js';
import { run } from './run-flow.js';

const emitRows = step<{ rows: number }, never, 'data'>('emit_rows', { required: ['rows'] });
const keepRows = step<{ min_id: number }, 'input', 'output'>('keep_rows', { required: ['min_id'] });
const passRows = step<{ fail?: boolean }, 'input', 'output'>('pass_rows');
const tempRows = step<{ fail?: boolean }, 'input', 'output'>('temp_rows');
const countSink = step<{ limit?: number }, 'input', never>('count_sink');

interface Context {
  rows: number;
  min_id: number;
}

function counting(fail = false) {
  const f = flow<Context>({ name: 'embedded' }).context('default', { rows: 5, min_id: 0 });
  const src = f.add(emitRows('src', { rows: '{{context.rows}}' }));
  const keep = f.add(keepRows('keep', { min_id: '{{context.min_id}}' }));
  const pass = f.add(passRows('pass', { fail }));
  const out = f.add(countSink('out', {}));
  f.data(src.out('data'), keep.in('input')).data(keep.out('output'), pass.in('input')).data(pass.out('output'), out.in('input'));
  return f;
}

describe('run(flow, { context })', () => {
  it('builds and runs a flow in process, returning one typed result per module', async () => {
    const result = await run(counting(), { context: { min_id: 2 }, searchDirs: [fixtureProject()] });
    expectTypeOf(result).toEqualTypeOf<RunResult>();
    expectTypeOf(result.results.keep).toEqualTypeOf<ModuleResult>();
    expect(result.status).toBe('success');
    expect(result.errors).toEqual([]);
    expect(result.results.src).toMatchObject({ status: 'success', rowsOut: 5, globals: { row_count: 5 } });
    expect(result.results.keep).toMatchObject({ status: 'success', rowsIn: 5, rowsOut: 3, globals: { kept: 3 } });
    expect(result.results.out).toMatchObject({ status: 'success', rowsIn: 3, globals: { seen: 3 } });
    expect(result.results.keep.durationMs).toBeGreaterThanOrEqual(0);
    expect(existsSync(result.logFile)).toBe(true);
  });

  it('collects the errors of a failed run and keeps the job folder when told where', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'pype-run-flow-'));
    const result = await run(counting(true), { outDir, searchDirs: [fixtureProject()] });
    expect(result.status).toBe('failed');
    expect(result.results.pass).toMatchObject({ status: 'failed', error: 'pass_rows was told to fail' });
    expect(result.results.out.status).toBe('skipped');
    expect(result.errors.map((e) => e.nodeId)).toEqual(['pass#0']);
    expect(existsSync(join(outDir, 'embedded', 'embedded_dag.json'))).toBe(true);
  });

  it('throws every build problem at once', async () => {
    const f = flow({ name: 'broken' });
    f.add(step<Record<string, never>, never, never>('no_such_module')('a', {}));
    await expect(run(f, { searchDirs: [fixtureProject()] })).rejects.toBeInstanceOf(FlowValidationError);
  });

  it('types the context by the flow', () => {
    const f = counting();
    // @ts-expect-error not a key of the flow's context
    void (() => run(f, { context: { min: 2 } }));
    // @ts-expect-error wrong type for a context key
    void (() => run(f, { context: { rows: 'five' } }));
    expect(f.name).toBe('embedded');
  });

  it.each([[false, 'success'], [true, 'failed']])('gives modules the memory budget of settings.spill and temp folders removed when the run ends (fail: %s)', async (fail, status) => {
    const f = flow({ name: 'temp_area' }).settings({ spill: { memory_budget: '3MB' } });
    const src = f.add(emitRows('src', { rows: 4 }));
    const temp = f.add(tempRows('temp', { fail }));
    const out = f.add(countSink('out', {}));
    f.data(src.out('data'), temp.in('input')).data(temp.out('output'), out.in('input'));
    const result = await run(f, { searchDirs: [fixtureProject()] });
    expect(result.status).toBe(status);
    const globals = result.results.temp.globals as { temp_dir: string; memory_budget: number };
    expect(globals.memory_budget).toBe(3_000_000);
    expect(globals.temp_dir).toContain(tmpdir());
    expect(existsSync(globals.temp_dir)).toBe(false);
    expect(existsSync(join(globals.temp_dir, '..'))).toBe(false);
  });
});

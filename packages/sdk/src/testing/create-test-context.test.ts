import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Int32, Table, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createTestContext } from './create-test-context.js';

describe('createTestContext', () => {
  it('applies manifest defaults under the given config', () => {
    const ctx = createTestContext({
      config: { a: 1 },
      manifest: { config_schema: { optional: { a: { default: 9 }, b: { default: 'x' }, c: {} } } },
    });
    expect(ctx.config).toEqual({ a: 1, b: 'x' });
  });

  it('records logs and globals, and reads upstream globals case-insensitively', () => {
    const ctx = createTestContext({ config: {}, moduleId: 'm', upstreamGlobals: { Src: { Row_Count: 3 } } });
    ctx.logger.warn('careful', { n: 1 });
    ctx.setGlobal('seen', true);
    expect(ctx.nodeId).toBe('m#0');
    expect(ctx.logs).toEqual([{ level: 'warn', msg: 'careful', fields: { n: 1 } }]);
    expect(ctx.globals.get('seen')).toBe(true);
    expect(ctx.getGlobal('src', 'row_count')).toBe(3);
    expect(ctx.getGlobal('other', 'x')).toBeUndefined();
  });

  it('gives every context a fresh run id unless one is passed (a resumed run), and a frame', () => {
    const a = createTestContext({ config: {}, moduleId: 'load' });
    const b = createTestContext({ config: {}, moduleId: 'load' });
    expect(a.runId).not.toBe(b.runId);
    const resumed = createTestContext({ config: {}, moduleId: 'load', runId: a.runId, frame: '2.1', iterIndex: 1 });
    expect([resumed.runId, resumed.frame, resumed.nodeId]).toEqual([a.runId, '2.1', 'load#2.1']);
    expect(createTestContext({ config: {}, iterIndex: 3 }).frame).toBe('3');
  });

  it('registers outputs as memory artifacts', async () => {
    const ctx = createTestContext({ config: {} });
    const artifact = await ctx.artifacts.register(new Table({ x: vectorFromArray([1, 2], new Int32()) }));
    expect(artifact.uri).toMatch(/^memory:\/\//);
    expect(artifact.numRows).toBe(2);
  });

  it('runs pool tasks in-process and moves transferred buffers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-'));
    const file = join(dir, 'double.mjs');
    writeFileSync(file, 'export default ({ bytes }) => bytes.map((b) => b * 2); export const sum = ({ bytes }) => bytes.reduce((a, b) => a + b, 0);');
    const ctx = createTestContext({ config: {} });
    const bytes = new Uint8Array([1, 2, 3]);
    const doubled = await ctx.pool.run<Uint8Array>({ bytes }, { filename: file, transferList: [bytes.buffer] });
    expect([...doubled]).toEqual([2, 4, 6]);
    expect(bytes.byteLength).toBe(0);
    expect(await ctx.pool.run({ bytes: new Uint8Array([1, 2]) }, { filename: file, name: 'sum' })).toBe(3);
    await expect(ctx.pool.run({}, { filename: file, name: 'nope' })).rejects.toThrow('has no export "nope" function');
    expect(ctx.pool.ran.map((t) => t.filename)).toEqual([file, file, file]);
  });

  it('aborts its signal on demand', () => {
    const ctx = createTestContext({ config: {} });
    ctx.abort(new Error('stop'));
    expect(ctx.signal.aborted).toBe(true);
  });
});

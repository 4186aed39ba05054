import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateDay, Float64, Int32, Table, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { MemoryArtifact, ModuleError, toTable, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { describe, expect, it } from 'vitest';
import selectMod from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const part = (ids: string[], amount: (number | null)[], when: string[]) => new Table({
  id: vectorFromArray(ids, new Utf8()),
  amount: vectorFromArray(amount, new Float64()),
  when: vectorFromArray(when, new Utf8()),
  day: vectorFromArray(ids.map((_, i) => new Date(Date.UTC(2024, 0, i + 1))), new DateDay()),
}).batches[0];
const input = new Table([part(['1', ' 2 '], [1.5, null], ['2024-01-31', '2024-02-01T10:00:00+01:00']), part(['x'], [2.5], ['nope'])]);

async function select(config: Config, data: Table = input) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'sel' });
  const table = await toTable(((await selectMod.run({ input: new MemoryArtifact(data) }, ctx)) as ModuleOutputs).output);
  return { table, ctx, rows: table.toArray().map((r) => r.toJSON()), types: table.schema.fields.map((f) => `${f.name}:${f.type}`) };
}

describe('select_mod', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    expect(manifest.config_schema.optional.on_cast_error.default).toBe(DEFAULTS.on_cast_error);
  });

  it('picks columns in order and renames them, reusing the column data', async () => {
    const { types, table } = await select({ columns: ['amount', 'id'], rename: { amount: 'total' } });
    expect(types).toEqual(['total:Float64', 'id:Utf8']);
    expect(table.batches[0].data.children[0]).toBe(input.batches[0].data.children[1]);
  });

  it('drops columns', async () => {
    expect((await select({ drop: ['when', 'day'] })).types).toEqual(['id:Utf8', 'amount:Float64']);
  });

  it('casts text to numbers, dates and timestamps, and numbers/dates to text; fails on a bad value with its row', async () => {
    const good = input.slice(0, 2);
    const { rows, types } = await select({ cast: { id: 'int32', amount: 'string', when: 'timestamp', day: 'string' } }, good);
    expect(types).toEqual(['id:Int32', 'amount:Utf8', 'when:Timestamp<MILLISECOND>', 'day:Utf8']);
    expect(rows).toEqual([
      { id: 1, amount: '1.5', when: Date.UTC(2024, 0, 31), day: '2024-01-01' },
      { id: 2, amount: null, when: Date.UTC(2024, 1, 1, 9), day: '2024-01-02' },
    ]);
    const error = await select({ cast: { id: 'int64' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleError);
    expect((error as ModuleError).message).toBe('select_mod: row 3, column "id": cannot cast "x" to int64');
  });

  it('writes null for bad values when asked, counting them', async () => {
    const { rows, ctx } = await select({ columns: ['when'], cast: { when: 'date' }, on_cast_error: 'null' });
    expect(rows.map((r) => r.when)).toEqual([Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1), null]);
    expect(ctx.globals.get('cast_errors')).toBe(1);
    expect(ctx.logs.map((l) => l.msg)).toContain('1 value(s) could not be cast and became null');
  });

  it('casts numbers and booleans between each other', async () => {
    const t = new Table({ n: vectorFromArray([0, 2.6, -1], new Float64()), b: vectorFromArray(['yes', 'F', 'true'], new Utf8()), i: vectorFromArray([1, 2, 3], new Int32()) });
    const { rows } = await select({ cast: { n: 'int32', b: 'boolean', i: 'float64' } }, t);
    expect(rows).toEqual([{ n: 0, b: true, i: 1 }, { n: 3, b: false, i: 2 }, { n: -1, b: true, i: 3 }]);
    const ts = new Table({ t: vectorFromArray([new Date('2024-03-01T12:00:00Z')], new TimestampMillisecond()) });
    expect((await select({ cast: { t: 'date' } }, ts)).rows).toEqual([{ t: Date.UTC(2024, 2, 1) }]);
  });

  it('reports every unknown name and duplicate output at once', async () => {
    const error = await select({ columns: ['id', 'amnt'], rename: { id: 'amount', nope: 'x' }, cast: { wen: 'date' } }, input).catch((e: unknown) => e);
    expect((error as ModuleError).message).toBe(
      'select_mod: columns names column "amnt", which the input does not have (did you mean "amount"?); rename names column "nope", which the input does not have; cast names column "wen", which the input does not have (did you mean "when"?)',
    );
    const dup = await select({ columns: ['id', 'amount'], rename: { id: 'amount' } }).catch((e: unknown) => e);
    expect((dup as ModuleError).message).toBe('select_mod: the output would have 2 columns named "amount"');
    expect((dup as ModuleError).hint).toBe("the input's columns are: id, amount, when, day");
  });
});

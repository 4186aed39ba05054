import { rmSync } from 'node:fs';
import { Table, type RecordBatch, type Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
import { partitionedRun, readSpillFile, SpillArea, SpillFileWriter, spillOptionsOf } from '@pypeline/spill';
import { concatBatches, distinctRows, takeRows } from '@pypeline/verbs';
import { DEFAULTS, type Config } from './config.js';
import { distinctSchemas } from './output-schemas.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'distinct_mod',
  type: 'mod',
  description: 'Keeps one row per distinct row or key (the first or the last, in input order); the dropped rows go to `duplicates` (Talend tUniqRow); out of core beyond the memory budget',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output', 'duplicates'],
  globals: ['unique_count', 'duplicate_count'],
  outputSchemas: distinctSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'distinct_mod', 'connect a data edge to it, e.g. "source.data - dedup.input"');
    const schema = input.schema;
    const { problems } = distinctSchemas({ ...ctx, config, inputs: { input: schema } } as Parameters<typeof distinctSchemas>[0]);
    if (problems && problems.length > 0) {
      throw new ModuleError(`distinct_mod (${ctx.moduleId}): ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: problems[0].hint });
    }
    const keys = config.keys ?? (schema.names as string[]);
    const counts = { rows: 0, unique: 0, duplicates: 0 };
    let whole: { output: Table; duplicates: Table } | undefined;
    let spilled: Spilled | undefined;
    // Equal keys meet in one partition, each partition in input order: deduplicating partition
    // by partition keeps the same rows as deduplicating the whole input.
    const run = partitionedRun({
      inputs: { input: { batches: input.batches(), schema, keys } },
      ...spillOptionsOf(ctx),
      process: ({ input: table }, info) => {
        const { unique, duplicates } = deduplicate(table, keys, config.keep);
        counts.rows += table.numRows;
        counts.unique += unique.numRows;
        counts.duplicates += duplicates.numRows;
        if (info.partition === -1) whole = { output: unique, duplicates };
        else {
          spilled ??= new Spilled(ctx);
          for (const b of unique.batches) spilled.output.write(b);
          for (const b of duplicates.batches) spilled.duplicates.write(b);
        }
        return [];
      },
    });
    // Both outputs are complete before either is read, as their readers may come in any order.
    try {
      for await (const _ of run) void _;
    } finally {
      spilled?.close();
    }
    ctx.setGlobal('unique_count', counts.unique);
    ctx.setGlobal('duplicate_count', counts.duplicates);
    ctx.logger.info('deduplicated', { rows_in: counts.rows, unique: counts.unique, duplicates: counts.duplicates, spilled: spilled !== undefined });
    if (!spilled) return whole ?? { output: new Table(schema), duplicates: new Table(schema) };
    return { output: Object.assign(readBack(spilled.output, schema), { schema }), duplicates: Object.assign(readBack(spilled.duplicates, schema), { schema }) };
  },
});

/** The rows of `table` kept (the first or last of each key, in input order) and the ones dropped. */
function deduplicate(table: Table, keys: string[], keep: 'first' | 'last'): { unique: Table; duplicates: Table } {
  const all = concatBatches(table.schema, table.batches);
  const { kept, dropped } = distinctRows(all, keys, keep);
  const pick = (rows: Uint32Array): Table => (rows.length === table.numRows ? table : new Table(table.schema, rows.length === 0 ? [] : [takeRows(all, rows) as RecordBatch]));
  return { unique: pick(kept), duplicates: pick(dropped) };
}

/** The two outputs written partition by partition, in the module's temp folder (removed with the run). */
class Spilled {
  readonly output: SpillFileWriter;
  readonly duplicates: SpillFileWriter;

  constructor(ctx: ModuleContext<Config>) {
    const area = SpillArea.open(ctx.tempDir, 'distinct');
    this.output = new SpillFileWriter(area.file('output'));
    this.duplicates = new SpillFileWriter(area.file('duplicates'));
  }

  close(): void {
    this.output.close();
    this.duplicates.close();
  }
}

/** A spilled output read back; its file is deleted once read (the folder goes with the run's temp area). */
async function* readBack(file: SpillFileWriter, schema: Schema): AsyncGenerator<RecordBatch> {
  try {
    if (file.rows === 0) yield concatBatches(schema, []);
    else yield* readSpillFile(file.path, file.rows);
  } finally {
    rmSync(file.path, { force: true });
  }
}

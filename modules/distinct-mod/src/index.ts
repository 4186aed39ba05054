import { rmSync } from 'node:fs';
import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
import { chainBatches, partitionedRun, readSpillFile, SpillArea, SpillFileWriter, spillOptionsOf } from '@pypeline/spill';
import { batchBytes, concatBatches, distinctRows, FirstRows, takeRows } from '@pypeline/verbs';
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
    const counts = { rows: 0 };
    const held = new HeldOutputs(ctx, schema);
    let spilled = false;
    try {
      let rest: AsyncIterator<RecordBatch> | undefined = input.batches()[Symbol.asyncIterator]();
      if (config.keep === 'first') {
        // One pass: each batch's rows with a key not met before are kept, the others are
        // duplicates; memory holds the keys met, and the outputs up to the budget.
        rest = await keepFirst(rest, schema, keys, held, counts, ctx);
        if (rest) ctx.logger.info('the distinct keys outgrew the memory budget; the rest is deduplicated by partition', { rows: counts.rows, memory_budget: ctx.memoryBudget });
      }
      if (rest) {
        // Equal keys meet in one partition, each partition in input order: deduplicating
        // partition by partition keeps the same rows as deduplicating the whole input. The rows
        // kept so far come first, so they stay the first of their keys.
        const kept = held.output.take();
        const run = partitionedRun({
          inputs: { input: { batches: chainBatches(kept, rest), schema, keys } },
          ...spillOptionsOf(ctx),
          process: ({ input: table }, info) => {
            const { unique, duplicates } = deduplicate(table, keys, config.keep);
            spilled ||= info.partition !== -1;
            for (const b of unique.batches) held.output.add(b);
            for (const b of duplicates.batches) held.duplicates.add(b);
            return [];
          },
        });
        // Both outputs are complete before either is read, as their readers may come in any order.
        for await (const _ of run) void _;
      }
    } finally {
      held.close();
    }
    const unique = held.output.rows;
    const duplicates = held.duplicates.rows;
    ctx.setGlobal('unique_count', unique);
    ctx.setGlobal('duplicate_count', duplicates);
    ctx.logger.info('deduplicated', { rows_in: unique + duplicates, unique, duplicates, spilled: spilled || held.spilled });
    return { output: held.output.read(), duplicates: held.duplicates.read() };
  },
});

/**
 * DISTINCT keeping each key's first row, in one pass over `batches`: kept rows to `held.output`,
 * the others to `held.duplicates`. Returns the rest of the input, not yet read, when the keys
 * met outgrow the memory budget (the caller deduplicates it by partition), else undefined.
 */
async function keepFirst(iterator: AsyncIterator<RecordBatch>, schema: Schema, keys: string[], held: HeldOutputs, counts: { rows: number }, ctx: ModuleContext<Config>): Promise<AsyncIterator<RecordBatch> | undefined> {
  const first = new FirstRows(schema, keys);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return undefined;
    ctx.signal.throwIfAborted();
    const batch = next.value;
    if (batch.numRows === 0) continue;
    counts.rows += batch.numRows;
    const { kept, dropped } = first.split(batch);
    held.output.add(pick(batch, kept));
    held.duplicates.add(pick(batch, dropped));
    if (first.bytes > ctx.memoryBudget) return iterator;
  }
}

/** The rows `rows` of `batch` (the batch itself when they are all of it, in order). */
function pick(batch: RecordBatch, rows: Uint32Array): RecordBatch {
  return rows.length === batch.numRows ? batch : takeRows(batch, rows);
}

/** The rows of `table` kept (the first or last of each key, in input order) and the ones dropped. */
function deduplicate(table: Table, keys: string[], keep: 'first' | 'last'): { unique: Table; duplicates: Table } {
  const all = concatBatches(table.schema, table.batches);
  const { kept, dropped } = distinctRows(all, keys, keep);
  const pick = (rows: Uint32Array): Table => (rows.length === table.numRows ? table : new Table(table.schema, rows.length === 0 ? [] : [takeRows(all, rows) as RecordBatch]));
  return { unique: pick(kept), duplicates: pick(dropped) };
}

/**
 * The two outputs, held in memory while together they fit the memory budget, then written to
 * spill files in the module's temp folder (removed with the run), each in the order its rows came.
 */
class HeldOutputs {
  readonly output: HeldOutput;
  readonly duplicates: HeldOutput;
  private area: SpillArea | undefined;

  constructor(ctx: ModuleContext<Config>, schema: Schema) {
    const spill = (name: string) => new SpillFileWriter((this.area ??= SpillArea.open(ctx.tempDir, 'distinct')).file(name));
    const overBudget = () => this.output.bytes + this.duplicates.bytes > ctx.memoryBudget;
    this.output = new HeldOutput(schema, () => spill('output'), overBudget);
    this.duplicates = new HeldOutput(schema, () => spill('duplicates'), overBudget);
  }

  get spilled(): boolean {
    return this.area !== undefined;
  }

  close(): void {
    this.output.close();
    this.duplicates.close();
  }
}

/** One output's batches: in memory, or (once the outputs outgrow the budget) in a spill file. */
class HeldOutput {
  private batches: RecordBatch[] = [];
  private file: SpillFileWriter | undefined;
  /** Bytes held in memory. */
  bytes = 0;
  rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly spill: () => SpillFileWriter,
    private readonly overBudget: () => boolean,
  ) {}

  add(batch: RecordBatch): void {
    if (batch.numRows === 0) return;
    this.rows += batch.numRows;
    if (this.file) return this.file.write(batch);
    this.batches.push(batch);
    this.bytes += batchBytes(batch);
    if (!this.overBudget()) return;
    this.file = this.spill();
    for (const b of this.batches.splice(0)) this.file.write(b);
    this.bytes = 0;
  }

  /** Everything added so far, in order, leaving this output empty (the rows kept before a switch to partitions). */
  take(): Iterable<RecordBatch> {
    const batches = this.batches.splice(0);
    const file = this.file;
    this.file = undefined;
    this.bytes = 0;
    this.rows = 0;
    if (!file) return batches;
    file.close();
    return readBack(file);
  }

  close(): void {
    this.file?.close();
  }

  /** The output for the engine: a table when held in memory, else the spill file read back (and then deleted). */
  read(): Table | (AsyncIterable<RecordBatch> & { schema: Schema }) {
    // Batches read back from a spill file carry an IPC copy of the schema: the input's is given.
    if (!this.file) return new Table(this.schema, this.batches.map((b) => (b.schema === this.schema ? b : new RecordBatch(this.schema, b.data))));
    const file = this.file;
    const schema = this.schema;
    async function* batches(): AsyncGenerator<RecordBatch> {
      if (file.rows === 0) yield concatBatches(schema, []);
      else yield* readBack(file);
    }
    return Object.assign(batches(), { schema });
  }
}

/** A spill file's batches; the file is deleted once read (the folder goes with the run's temp area). */
function* readBack(file: SpillFileWriter): Generator<RecordBatch> {
  try {
    yield* readSpillFile(file.path, file.rows);
  } finally {
    rmSync(file.path, { force: true });
  }
}

import type { RecordBatch, Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, seededRandom, unknownSchema, type Artifact } from '@pypeline/sdk';
import { concatBatches, takeRows } from '@pypeline/verbs';
import { configProblems } from './check-config.js';
import { DEFAULTS, type Config } from './config.js';
import { reservoir } from './random.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'limit_mod',
  type: 'mod',
  description: 'Keeps the first rows (limit/offset, reading no further than needed) or a reproducible random sample (a fraction, or n rows)',
  category: 'Transforms',
  inputPorts: ['input'],
  outputPorts: ['output'],
  globals: ['row_count'],
  outputSchemas: ({ config, inputs }) => ({
    outputs: { output: inputs.input ?? unknownSchema('its input is unknown') },
    problems: configProblems(config).map((p) => ({ key: [p.key], message: p.message })),
  }),
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const problems = configProblems(config);
    if (problems.length > 0) throw new ModuleError(`limit_mod: ${problems.map((p) => p.message).join('; ')}`, { retryable: false, hint: 'fix configs.optional of limit_mod' });
    const input = requireInput(inputs, 'input', 'limit_mod', 'connect a data edge to it, e.g. "source.data - limit.input"');
    let count = 0;
    const counted = async function* (batches: AsyncIterable<RecordBatch>) {
      for await (const batch of batches) {
        ctx.signal.throwIfAborted();
        count += batch.numRows;
        yield batch;
      }
      ctx.setGlobal('row_count', count);
    };
    const random = seededRandom(config.seed);
    const stream =
      config.sample_rows !== undefined ? sampleRows(input, config.sample_rows, random)
      : config.sample_fraction !== undefined ? sampleFraction(input, config.sample_fraction, random)
      : limitRows(input, config.offset, config.limit ?? Infinity);
    return { output: Object.assign(counted(stream), { schema: input.schema }) };
  },
});

/**
 * Rows `offset` to `offset + limit`. Leaving the loop once they are out ends the upstream
 * iterator, so the rest of the input is never read.
 */
async function* limitRows(input: Artifact, offset: number, limit: number): AsyncGenerator<RecordBatch> {
  let skip = offset;
  let left = limit;
  let yielded = false;
  if (left > 0) {
    for await (const batch of input.batches()) {
      const from = Math.min(skip, batch.numRows);
      skip -= from;
      const to = Math.min(batch.numRows, from + left);
      if (to > from) {
        left -= to - from;
        yielded = true;
        yield from === 0 && to === batch.numRows ? batch : batch.slice(from, to);
      }
      if (left === 0) break;
    }
  }
  if (!yielded) yield empty(input.schema);
}

/** Each row with probability `fraction`, decided by the seeded generator in row order. */
async function* sampleFraction(input: Artifact, fraction: number, random: () => number): AsyncGenerator<RecordBatch> {
  let yielded = false;
  for await (const batch of input.batches()) {
    const kept: number[] = [];
    for (let i = 0; i < batch.numRows; i++) if (random() < fraction) kept.push(i);
    if (kept.length === 0) continue;
    yielded = true;
    yield takeRows(batch, Uint32Array.from(kept));
  }
  if (!yielded) yield empty(input.schema);
}

/** Exactly `n` rows (or all), uniformly, in input order. Reads the input whole to draw them. */
async function* sampleRows(input: Artifact, n: number, random: () => number): AsyncGenerator<RecordBatch> {
  const table = await input.table();
  const all = concatBatches(table.schema, table.batches);
  yield all.numRows === 0 ? empty(input.schema) : takeRows(all, reservoir(all.numRows, n, random));
}

const empty = (schema: Schema): RecordBatch => concatBatches(schema, []);

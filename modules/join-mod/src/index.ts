import type { RecordBatch, Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
import { partitionedRun, spillOptionsOf } from '@pypeline/spill';
import { concatBatches, JoinIndex, keepsUnmatchedRight, resolvePairs, unmatchedRight } from '@pypeline/verbs';
import { assemble } from './assemble.js';
import { DEFAULTS, type Config } from './config.js';
import { loadBuildSide } from './load-build-side.js';
import { joinSchemas } from './output-schemas.js';
import { planJoin, type JoinPlan } from './plan-join.js';
import { compileResidual, type Residual } from './residual.js';

export type { Config } from './config.js';

export default defineModule<Config>({
  name: 'join_mod',
  type: 'mod',
  description: 'Joins two inputs on key columns and/or a condition: inner, left, right, full, semi, anti or cross, like SQL JOIN … USING / ON',
  category: 'Transforms',
  inputPorts: ['left', 'right'],
  outputPorts: ['output'],
  globals: ['row_count', 'unmatched_left', 'unmatched_right'],
  outputSchemas: joinSchemas,
  async run(inputs, ctx) {
    const config = { ...DEFAULTS, ...ctx.config };
    const both = 'connect both inputs, e.g. "orders.data - join.left" and "customers.data - join.right"';
    const [left, right] = [requireInput(inputs, 'left', 'join_mod', both), requireInput(inputs, 'right', 'join_mod', both)];
    const { plan, problems } = planJoin(left.schema, right.schema, config);
    if (!plan) {
      throw new ModuleError(`join_mod cannot join: ${problems.map((p) => p.message).join('; ')}`, {
        retryable: false,
        hint: 'fix on / right_on / how / condition, or cast a key with select_mod so both sides have one type',
      });
    }
    const residual = plan.condition && config.condition ? compileResidual(config.condition, plan.condition, plan.layout, globalVariable(ctx)) : undefined;
    const counts: JoinCounts = { rows: 0, left: 0, right: 0, unmatchedLeft: 0, unmatchedRight: 0 };
    const partitioned = !config.lookup && plan.rightKeys.length > 0;
    const build = await loadBuildSide(right, config.lookup ? config.lookup_max_mb * 2 ** 20 : partitioned ? ctx.memoryBudget : undefined, ctx.signal, config.lookup);
    let batches: AsyncIterable<RecordBatch>;
    if ('batch' in build) {
      // The right side fits: the left side streams through its hash table.
      const index = new JoinIndex(build.batch, plan.rightKeys, { nullSafe: config.null_safe });
      batches = joinBatches(plan, index, residual, left.schema, left.batches(), counts, ctx.signal);
    } else {
      // The right side is over the memory budget: both sides are hash-partitioned by their keys
      // to disk and joined partition by partition (equal keys always meet in one partition).
      batches = partitionedRun({
        inputs: {
          right: { batches: build.rest, schema: right.schema, keys: plan.rightKeys },
          left: { batches: left.batches(), schema: left.schema, keys: plan.leftKeys },
        },
        ...spillOptionsOf(ctx),
        process: (tables) => {
          const index = new JoinIndex(concatBatches(right.schema, tables.right.batches), plan.rightKeys, { nullSafe: config.null_safe });
          return joinBatches(plan, index, residual, left.schema, tables.left.batches, counts, ctx.signal);
        },
      });
    }
    return { output: Object.assign(withGlobals(plan, batches, counts, ctx), { schema: plan.layout.schema }) };
  },
});

interface JoinCounts {
  rows: number;
  left: number;
  right: number;
  unmatchedLeft: number;
  unmatchedRight: number;
}

/**
 * Streams left batches through the hash table of the right rows (all of them, or one
 * partition's), batch by batch: output in left order, then (right and full joins) the right
 * rows nothing matched. Empty results are not yielded.
 */
async function* joinBatches(plan: JoinPlan, index: JoinIndex, residual: Residual | undefined, leftSchema: Schema, left: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, counts: JoinCounts, signal: AbortSignal): AsyncGenerator<RecordBatch> {
  const { layout, how } = plan;
  const build = index.right;
  const rightMatched = keepsUnmatchedRight(how) ? new Uint8Array(build.numRows) : undefined;
  counts.right += build.numRows;
  for await (const batch of left) {
    signal.throwIfAborted();
    const candidates = index.probe(batch, plan.leftKeys);
    const keep = residual ? residual(batch, build, candidates) : null;
    const pairs = resolvePairs(candidates, keep, batch.numRows, how, rightMatched);
    counts.left += batch.numRows;
    counts.unmatchedLeft += unmatchedLeftRows(how, batch.numRows, pairs);
    if (pairs.left.length === 0) continue;
    counts.rows += pairs.left.length;
    yield assemble(layout, layout.schema, batch, build, pairs);
  }
  if (!rightMatched) return;
  const pairs = unmatchedRight(rightMatched);
  counts.rows += pairs.left.length;
  counts.unmatchedRight += pairs.left.length;
  if (pairs.left.length > 0) yield assemble(layout, layout.schema, concatBatches(leftSchema, []), build, pairs);
}

/** The joined batches (one empty batch when there are none), then the globals and the log line. */
async function* withGlobals(plan: JoinPlan, batches: AsyncIterable<RecordBatch>, counts: JoinCounts, ctx: ModuleContext<Config>): AsyncGenerator<RecordBatch> {
  let yielded = false;
  for await (const batch of batches) {
    yielded = true;
    yield batch;
  }
  if (!yielded) yield concatBatches(plan.layout.schema, []);
  ctx.setGlobal('row_count', counts.rows);
  ctx.setGlobal('unmatched_left', counts.unmatchedLeft);
  ctx.setGlobal('unmatched_right', counts.unmatchedRight);
  ctx.logger.info('joined', { how: plan.how, left: counts.left, right: counts.right, rows: counts.rows, unmatched_left: counts.unmatchedLeft, unmatched_right: counts.unmatchedRight });
}

/** Left rows without a match, for the kinds that keep or select them (0 for the others). */
function unmatchedLeftRows(how: JoinPlan['how'], rows: number, pairs: { left: Int32Array; right: Int32Array }): number {
  if (how === 'anti') return pairs.left.length;
  if (how === 'semi') return rows - pairs.left.length;
  if (how !== 'left' && how !== 'full') return 0;
  return pairs.right.reduce((n, j) => n + (j < 0 ? 1 : 0), 0);
}

/** `{{module__key}}` in the condition reads a global of an earlier module. */
function globalVariable(ctx: ModuleContext<Config>): (name: string) => unknown {
  return (name) => {
    const at = name.indexOf('__');
    return at > 0 ? ctx.getGlobal(name.slice(0, at), name.slice(at + 2)) : undefined;
  };
}

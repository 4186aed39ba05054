import type { RecordBatch, Schema } from 'apache-arrow';
import { defineModule, ModuleError, requireInput, type ModuleContext } from '@pypeline/sdk';
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
    const build = await loadBuildSide(right, config.lookup ? config.lookup_max_mb * 2 ** 20 : undefined, ctx.signal);
    const index = new JoinIndex(build, plan.rightKeys, { nullSafe: config.null_safe });
    const stream = joinStream(plan, index, residual, left, ctx);
    return { output: Object.assign(stream, { schema: plan.layout.schema }) };
  },
});

/**
 * Streams the left input through the hash table of the right one, batch by batch, so the left
 * side is never held whole: output in left order, then (right and full joins) the right rows
 * nothing matched.
 */
async function* joinStream(plan: JoinPlan, index: JoinIndex, residual: Residual | undefined, left: { schema: Schema; batches(): AsyncIterable<RecordBatch> }, ctx: ModuleContext<Config>): AsyncGenerator<RecordBatch> {
  const { layout, how } = plan;
  const build = index.right;
  const rightMatched = keepsUnmatchedRight(how) ? new Uint8Array(build.numRows) : undefined;
  const counts = { rows: 0, left: 0, unmatchedLeft: 0, unmatchedRight: 0 };
  let yielded = false;
  for await (const batch of left.batches()) {
    ctx.signal.throwIfAborted();
    const candidates = index.probe(batch, plan.leftKeys);
    const keep = residual ? residual(batch, build, candidates) : null;
    const pairs = resolvePairs(candidates, keep, batch.numRows, how, rightMatched);
    counts.left += batch.numRows;
    counts.unmatchedLeft += unmatchedLeftRows(how, batch.numRows, pairs);
    if (pairs.left.length === 0 && yielded) continue;
    counts.rows += pairs.left.length;
    yielded = true;
    yield assemble(layout, layout.schema, batch, build, pairs);
  }
  if (rightMatched || !yielded) {
    const pairs = rightMatched ? unmatchedRight(rightMatched) : { left: new Int32Array(0), right: new Int32Array(0) };
    counts.rows += pairs.left.length;
    counts.unmatchedRight = pairs.left.length;
    if (pairs.left.length > 0 || !yielded) yield assemble(layout, layout.schema, concatBatches(left.schema, []), build, pairs);
  }
  ctx.setGlobal('row_count', counts.rows);
  ctx.setGlobal('unmatched_left', counts.unmatchedLeft);
  ctx.setGlobal('unmatched_right', counts.unmatchedRight);
  ctx.logger.info('joined', { how, left: counts.left, right: build.numRows, rows: counts.rows, unmatched_left: counts.unmatchedLeft, unmatched_right: counts.unmatchedRight });
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

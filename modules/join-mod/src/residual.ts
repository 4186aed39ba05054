import type { RecordBatch } from 'apache-arrow';
import { compilePredicate, ExprError, formatDiagnostic, type Expr } from '@pypeline/expr';
import { ModuleError } from '@pypeline/sdk';
import type { JoinPairs } from '@pypeline/verbs';
import { assemble } from './assemble.js';
import type { JoinLayout } from './output-fields.js';

/** Which candidate pairs meet the residual condition: 1 kept, 0 not (false or null). */
export type Residual = (left: RecordBatch, right: RecordBatch, candidates: JoinPairs) => Uint8Array;

/**
 * Compiles the condition over the pair schema (every left column, then the right ones as an
 * inner join names them). Each candidate pair is gathered into one row of that schema and the
 * condition evaluated on the whole batch of candidates at once.
 */
export function compileResidual(condition: string, expr: Expr, layout: JoinLayout, vars: (name: string) => unknown): Residual {
  const pairs: JoinLayout = { ...layout, folded: [], leftOnly: false };
  const fail = (error: unknown) => {
    if (!(error instanceof ExprError)) return error;
    const details = error.diagnostics.map((d) => formatDiagnostic(condition, d)).join('\n');
    return new ModuleError(`join_mod condition ${JSON.stringify(condition)} is invalid:\n${details}`, { retryable: false, hint: 'fix configs.optional.condition; it names columns as the output does (clashing right columns with the suffix)' });
  };
  let predicate: (batch: RecordBatch) => Uint32Array;
  try {
    predicate = compilePredicate(expr, layout.pairSchema, vars);
  } catch (error) {
    throw fail(error);
  }
  return (left, right, candidates) => {
    const keep = new Uint8Array(candidates.left.length);
    if (keep.length === 0) return keep;
    try {
      for (const k of predicate(assemble(pairs, layout.pairSchema, left, right, candidates))) keep[k] = 1;
    } catch (error) {
      throw fail(error);
    }
    return keep;
  };
}

import type { RecordBatch, Schema } from 'apache-arrow';
import { checkExpression, compilePredicate, ExprError, formatDiagnostic, parseExpression, type ExprDiagnostic } from '@pypeline/expr';
import { ModuleError } from '@pypeline/sdk';

export type RowPredicate = (batch: RecordBatch) => Uint32Array;

/**
 * Parses, checks and compiles `condition` for batches with `schema`. Every problem is
 * reported at once, each with the condition and carets under the offending part.
 */
export function compileCondition(condition: string, schema: Schema, vars: (name: string) => unknown): RowPredicate {
  const { expr, errors } = parseExpression(condition);
  if (!expr || errors.length > 0) throw conditionError(condition, errors);
  const diagnostics = checkExpression(expr, schema);
  if (diagnostics.length > 0) throw conditionError(condition, diagnostics);
  try {
    return compilePredicate(expr, schema, vars);
  } catch (error) {
    if (error instanceof ExprError) throw conditionError(condition, error.diagnostics);
    throw error;
  }
}

export function conditionError(condition: string, diagnostics: ExprDiagnostic[]): ModuleError {
  const details = diagnostics.map((d) => formatDiagnostic(condition, d)).join('\n');
  return new ModuleError(`filter condition ${JSON.stringify(condition)} is invalid:\n${details}`, {
    retryable: false,
    hint: 'fix the condition in configs.required.condition; columns are referenced by name, text in single quotes',
  });
}

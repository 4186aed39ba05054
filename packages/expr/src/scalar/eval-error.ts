/**
 * A problem with a value found while evaluating (a failed cast, an integer overflow, a bad date
 * format). The evaluators turn it into an ExprError pointing at the expression that raised it.
 */
export class EvalError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'EvalError';
  }
}

/** A problem found in an expression. Offsets point into the source text, `end` exclusive. */
export interface ExprDiagnostic {
  message: string;
  start: number;
  end: number;
  hint?: string;
}

/** Thrown when an expression cannot be compiled or evaluated; carries every problem found. */
export class ExprError extends Error {
  readonly diagnostics: ExprDiagnostic[];
  constructor(diagnostics: ExprDiagnostic[]) {
    super(diagnostics.map((d) => (d.hint ? `${d.message} (${d.hint})` : d.message)).join('\n'));
    this.name = 'ExprError';
    this.diagnostics = diagnostics;
  }
}

/** For states the checker should have ruled out: tells the user it is our bug, not theirs. */
export function internalError(what: string): Error {
  return new Error(`internal error in @pypeline/expr: ${what}. This is a bug; please report it with the expression that caused it.`);
}

/** "column 12", or "line 2, column 3" when the source spans several lines. 1-based, like editors. */
export function describePosition(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = offset - lineStart + 1;
  if (!source.includes('\n')) return `column ${column}`;
  const line = before.split('\n').length;
  return `line ${line}, column ${column}`;
}

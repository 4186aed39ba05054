import { Field, Schema, Utf8 } from 'apache-arrow';
import { compileValue, ExprError, formatDiagnostic, parseExpression, type ExprDiagnostic, type ValueKernel } from '@pypeline/expr';
import { ModuleError } from '@pypeline/sdk';

/** A derived column ready to run: where it goes in the output and how to compute it. */
export interface DerivedColumn {
  name: string;
  kernel: ValueKernel;
  /** Position in the output schema (an existing column's, when it replaces one). */
  index: number;
  /** The batch's schema once this column is in place. */
  schema: Schema;
}

/**
 * Compiles every expression against the schema as it stands at that point (input columns plus
 * those derived above), so later expressions can use earlier ones. Every invalid expression
 * is reported at once, each with carets under the problem.
 */
export function compileColumns(input: Schema, columns: Record<string, string>, vars: (name: string) => unknown): { schema: Schema; derived: DerivedColumn[] } {
  let fields = [...input.fields];
  const derived: DerivedColumn[] = [];
  const problems: string[] = [];
  for (const [name, source] of Object.entries(columns)) {
    const schema = new Schema(fields);
    const { expr, errors } = parseExpression(String(source));
    let kernel: ValueKernel | undefined;
    if (!expr || errors.length > 0) problems.push(describe(name, String(source), errors));
    else {
      try {
        kernel = compileValue(expr, schema, vars);
      } catch (error) {
        if (!(error instanceof ExprError)) throw error;
        problems.push(describe(name, String(source), error.diagnostics));
      }
    }
    // A column that failed still gets a place (as text) so later expressions are checked too.
    const type = kernel ? kernel.arrowType : new Utf8();
    const field = new Field(name, type, true);
    const existing = fields.findIndex((f) => f.name === name);
    const index = existing === -1 ? fields.length : existing;
    fields = existing === -1 ? [...fields, field] : fields.map((f, i) => (i === existing ? field : f));
    if (kernel) derived.push({ name, kernel, index, schema: new Schema(fields) });
  }
  if (problems.length > 0) {
    throw new ModuleError(`derive_mod: ${problems.join('\n')}`, {
      retryable: false,
      hint: 'fix the expressions in configs.required.columns; columns are referenced by name, text goes in single quotes',
    });
  }
  return { schema: new Schema(fields), derived };
}

function describe(name: string, source: string, diagnostics: ExprDiagnostic[]): string {
  return `column "${name}" = ${JSON.stringify(source)} is invalid:\n${diagnostics.map((d) => formatDiagnostic(source, d)).join('\n')}`;
}

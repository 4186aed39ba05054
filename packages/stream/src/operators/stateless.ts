import { Field, Schema, type RecordBatch } from 'apache-arrow';
import { compilePredicate, compileValue, parseExpression, takeRows, formatDiagnostic, ExprError, type Expr, type ValueKernel } from '@pypeline/expr';
import { batchFromVectors, batchToRows, inferSchema, rowsToBatch, schemaFromSpec, type Row, type SchemaSpec } from '../arrow-rows.js';
import type { Emit, Operator } from './operator.js';

/** Compiled per schema; batches of one source normally share one schema object. */
class PerSchema<T> {
  private last: { schema: Schema; value: T } | undefined;
  private byFingerprint = new Map<string, T>();
  constructor(private readonly make: (schema: Schema) => T) {}
  get(schema: Schema): T {
    if (this.last?.schema === schema) return this.last.value;
    const fp = schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
    let value = this.byFingerprint.get(fp);
    if (value === undefined) {
      value = this.make(schema);
      this.byFingerprint.set(fp, value);
    }
    this.last = { schema, value };
    return value;
  }
}

function parse(text: string, where: string): Expr {
  const { expr, errors } = parseExpression(text);
  if (!expr || errors.length > 0) throw new Error(`${where}: ${errors.map((d) => formatDiagnostic(text, d)).join('\n')}`);
  return expr;
}

function compileError(e: unknown, text: string, where: string): Error {
  if (e instanceof ExprError) return new Error(`${where}: ${e.diagnostics.map((d) => formatDiagnostic(text, d)).join('\n')}`);
  return e as Error;
}

export function filterOperator(id: string, condition: string | ((row: Row) => boolean)): Operator {
  if (typeof condition === 'function') {
    return {
      id,
      process(batch, _input, emit) {
        const rows = batchToRows(batch);
        const keep: number[] = [];
        for (let i = 0; i < rows.length; i++) if (condition(rows[i])) keep.push(i);
        if (keep.length === batch.numRows) emit('out', batch);
        else if (keep.length > 0) emit('out', takeRows(batch, Uint32Array.from(keep)));
      },
    };
  }
  const where = `filter "${id}"`;
  const expr = parse(condition, where);
  const compiled = new PerSchema((schema) => {
    try {
      return compilePredicate(expr, schema);
    } catch (e) {
      throw compileError(e, condition, where);
    }
  });
  return {
    id,
    process(batch, _input, emit) {
      const indices = compiled.get(batch.schema)(batch);
      if (indices.length === batch.numRows) emit('out', batch);
      else if (indices.length > 0) emit('out', takeRows(batch, indices));
    },
  };
}

export function deriveOperator(id: string, columns: Record<string, string>): Operator {
  const exprs = Object.entries(columns).map(([name, text]) => [name, text, parse(text, `map "${id}" column "${name}"`)] as const);
  const compiled = new PerSchema((schema) => {
    const kernels: Array<[string, ValueKernel]> = exprs.map(([name, text, expr]) => {
      try {
        return [name, compileValue(expr, schema)];
      } catch (e) {
        throw compileError(e, text, `map "${id}" column "${name}"`);
      }
    });
    return { kernels, outSchema: undefined as Schema | undefined };
  });
  return {
    id,
    process(batch, _input, emit) {
      const c = compiled.get(batch.schema);
      const vectors = new Map(batch.schema.fields.map((f, i) => [f.name, batch.getChildAt(i)!] as const));
      for (const [name, kernel] of c.kernels) vectors.set(name, kernel(batch));
      if (!c.outSchema) {
        c.outSchema = new Schema([...vectors].map(([name, v]) => {
          const old = batch.schema.fields.find((f) => f.name === name);
          return old && old.type === v.type ? old : new Field(name, v.type, true);
        }));
      }
      emit('out', batchFromVectors(c.outSchema, [...vectors.values()], batch.numRows));
    },
  };
}

export function selectOperator(id: string, columns: string[]): Operator {
  const compiled = new PerSchema((schema) => {
    const missing = columns.filter((c) => !schema.fields.some((f) => f.name === c));
    if (missing.length > 0) throw new Error(`select "${id}": column "${missing[0]}" is not in the stream (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
    return schema.select(columns);
  });
  return {
    id,
    process(batch, _input, emit) {
      const out = compiled.get(batch.schema);
      emit('out', batchFromVectors(out, columns.map((c) => batch.getChild(c)!), batch.numRows));
    },
  };
}

export function mapRowsOperator(id: string, fn: (row: Row) => Row | Row[] | null | undefined, spec?: SchemaSpec): Operator {
  let schema: Schema | undefined = spec && schemaFromSpec(spec);
  return {
    id,
    process(batch, _input, emit) {
      const out: Row[] = [];
      for (const row of batchToRows(batch)) {
        const r = fn(row);
        if (Array.isArray(r)) out.push(...r);
        else if (r) out.push(r);
      }
      if (out.length === 0) return;
      schema ??= inferSchema(out);
      emit('out', rowsToBatch(out, schema));
    },
  };
}

export function mapBatchesOperator(id: string, fn: (batch: RecordBatch) => RecordBatch | null | undefined): Operator {
  return {
    id,
    process(batch, _input, emit: Emit) {
      const out = fn(batch);
      if (out && out.numRows > 0) emit('out', out);
    },
  };
}

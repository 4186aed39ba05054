import { Field, Schema, type DataType } from 'apache-arrow';
import type { ConfigIssue } from '@pypeline/sdk';
import { commonTypeOf, typeName } from '@pypeline/verbs';

/** Where each output column comes from in each input: its column index there, or -1 (null). */
export interface UnionPlan {
  schema: Schema;
  /** sources[input][outputColumn] */
  sources: number[][];
}

const CAST_HINT = 'cast the column to one type in every input first, e.g. with select_mod (cast: string), or rename it in one of them';

/** The output schema of `inputs` stacked by name or position, or every problem found (named by input and column). */
export function planUnion(inputs: readonly Schema[], byName: boolean, label = (i: number) => `inputs[${i}]`): { plan?: UnionPlan; problems: ConfigIssue[] } {
  const problems: ConfigIssue[] = [];
  const names: string[] = [];
  const sources: number[][] = inputs.map(() => []);
  if (byName) {
    for (const schema of inputs) for (const f of schema.fields) if (!names.includes(f.name)) names.push(f.name);
    inputs.forEach((schema, i) => names.forEach((name) => sources[i].push(schema.fields.findIndex((f) => f.name === name))));
  } else {
    const width = inputs[0].fields.length;
    inputs.forEach((schema, i) => {
      if (schema.fields.length !== width) {
        problems.push({ key: ['by_name'], message: `${label(i)} has ${schema.fields.length} columns (${schema.names.join(', ')}) but ${label(0)} has ${width} (${inputs[0].names.join(', ')}); a union by position needs the same number`, hint: 'set by_name: true to match columns by name, or select the same columns in every input' });
      }
    });
    names.push(...inputs[0].fields.map((f) => f.name));
    inputs.forEach((_, i) => names.forEach((__, c) => sources[i].push(c < inputs[i].fields.length ? c : -1)));
  }
  const fields: Field[] = [];
  names.forEach((name, c) => {
    const present = inputs.map((s, i) => ({ i, field: sources[i][c] >= 0 ? s.fields[sources[i][c]] : undefined })).filter((x): x is { i: number; field: Field } => x.field !== undefined);
    const widened = commonTypeOf(present.map((p) => p.field.type as DataType), 'set');
    if ('clash' in widened) {
      const [at, sofar, next] = widened.clash;
      const before = present.slice(0, at).map((p) => `${label(p.i)} ${typeName(p.field.type)}`).join(', ');
      problems.push({ key: ['by_name'], message: `column "${name}" of ${label(present[at].i)} is ${typeName(next)}, which does not meet ${typeName(sofar)} (${before})`, hint: CAST_HINT });
      return;
    }
    const nullable = present.length < inputs.length || present.some((p) => p.field.nullable);
    fields.push(new Field(name, widened.type, nullable));
  });
  return problems.length > 0 ? { problems } : { plan: { schema: new Schema(fields), sources }, problems };
}

import { Field, type Schema } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';

/** Which right columns appear in the output, and under which names. */
export interface RightColumn {
  index: number;
  field: Field;
}

/**
 * Left columns as they are, then the right ones: a right key named like its left key is left
 * out (its values are the left key's); a right name that clashes gets the suffix. Right columns
 * of a left join are nullable.
 */
export function rightColumns(left: Schema, right: Schema, on: string[], rightOn: string[], suffix: string): RightColumn[] {
  const taken = new Set(left.names as string[]);
  const out: RightColumn[] = [];
  right.fields.forEach((field, index) => {
    const k = rightOn.indexOf(field.name);
    if (k !== -1 && on[k] === field.name) return;
    let name = field.name;
    if (taken.has(name)) name = `${name}${suffix}`;
    if (taken.has(name)) {
      throw new ModuleError(`right column "${field.name}" would be named "${name}", which the output already has`, { retryable: false, hint: 'choose another suffix, or rename columns with select_mod first' });
    }
    taken.add(name);
    out.push({ index, field: new Field(name, field.type, true, field.metadata) });
  });
  return out;
}

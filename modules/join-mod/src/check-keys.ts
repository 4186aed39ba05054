import { DataType, type Schema } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';

/** Keys compare as numbers, strings, booleans or instants; two keys of different kinds never match. */
function kindOf(type: DataType): string {
  if (DataType.isInt(type) || DataType.isFloat(type)) return 'number';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return 'text';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'date/time';
  return String(type);
}

/** Every problem with the keys at once: counts, unknown names, kinds that can never be equal. */
export function checkKeys(left: Schema, right: Schema, on: string[], rightOn: string[]): void {
  const problems: string[] = [];
  if (on.length === 0) problems.push('"on" names no key column');
  if (rightOn.length !== on.length) problems.push(`"on" has ${on.length} key column(s) but "right_on" has ${rightOn.length}`);
  const find = (schema: Schema, name: string, side: string) => {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) problems.push(`${side} input has no column "${name}" (its columns: ${schema.names.join(', ')})`);
    return field;
  };
  on.forEach((name, i) => {
    const l = find(left, name, 'left');
    const r = rightOn[i] === undefined ? undefined : find(right, rightOn[i], 'right');
    if (l && r && kindOf(l.type) !== kindOf(r.type)) {
      problems.push(`left key "${l.name}" is ${kindOf(l.type)} but right key "${r.name}" is ${kindOf(r.type)}, so they never match`);
    }
  });
  if (problems.length > 0) {
    throw new ModuleError(`join_mod cannot join: ${problems.join('; ')}`, { retryable: false, hint: 'fix on / right_on, or cast a key with select_mod so both sides have one type' });
  }
}

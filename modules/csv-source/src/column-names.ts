import { duplicateColumn } from './csv-errors.js';

/** Names from a header record; a blank header cell gets its positional name. */
export function headerNames(path: string, header: string[]): string[] {
  const names = header.map((name, i) => (name.trim() === '' ? positionalName(i) : name));
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) throw duplicateColumn(path, name, first, i);
    seen.set(name, i);
  });
  return names;
}

export function positionalNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => positionalName(i));
}

function positionalName(index: number): string {
  return `column_${index + 1}`;
}

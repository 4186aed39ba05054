/** One step of a path: a key, or an array index. */
export type PathStep = string | number;

const STEP = /^(?:\.?([^.[\]]+)|\[(\d+)\]|\[["']([^"']*)["']\])/;

/**
 * Parses a dotted path such as `data.items`, `meta.next_cursor`, `links[0].href` or
 * `$.data["odd key"]` into steps; `''` and `$` are the root. Throws a message naming the part
 * it cannot read.
 */
export function parsePath(path: string): PathStep[] {
  let rest = path.trim().replace(/^\$/, '');
  const steps: PathStep[] = [];
  while (rest !== '') {
    const m = STEP.exec(rest);
    if (!m || (steps.length === 0 && rest.startsWith('.') && path.trim()[0] !== '$')) {
      throw new Error(`"${path}" is not a path: cannot read "${rest}" (write keys with dots and array indexes in brackets, e.g. data.items or links[0].href)`);
    }
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3]));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at `steps` inside `value`; undefined where a step is missing. */
export function valueAt(value: unknown, steps: readonly PathStep[]): unknown {
  let at = value;
  for (const step of steps) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/** Paths under `value` (to depth 3) that hold arrays of objects: what a user may mean by records_path. */
export function arrayPaths(value: unknown, prefix = '', depth = 3): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth === 0) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) return v.length === 0 || (typeof v[0] === 'object' && v[0] !== null) ? [path] : [];
    return arrayPaths(v, path, depth - 1);
  });
}

import type { ErrorObject } from 'ajv';
import type { PathSegment } from './diagnostics.js';
import type { JsonSchema } from '@pypeline/sdk';
import { didYouMean } from './did-you-mean.js';

/** An ajv error turned into a path and a message a person can act on. */
export interface SchemaProblem {
  path: PathSegment[];
  /** Point at the key rather than the value (unknown keys). */
  atKey: boolean;
  message: string;
  hint?: string;
}

export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: PathSegment = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    node = (node as Record<PathSegment, unknown> | undefined)?.[key];
  }
  return out;
}

/**
 * Converts ajv errors, dropping the noise ajv produces for one cause
 * (e.g. the `if`/`anyOf` wrappers) and keeping one problem per path and kind.
 */
export function explainSchemaErrors(
  errors: readonly ErrorObject[],
  data: unknown,
  options: { secretPaths?: Set<string> } = {},
): SchemaProblem[] {
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of oneErrorPerCause(errors)) {
    const problem = explain(e, data, options.secretPaths ?? new Set());
    if (!problem) continue;
    const key = `${problem.path.join('/')}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/**
 * Generated schemas say one thing two ways: a literal union is `type` plus `enum` (the enum
 * names the allowed values, so the type error goes), and `string | integer` is an `anyOf`
 * of one `type` per branch (merged into one error naming every type).
 */
function oneErrorPerCause(errors: readonly ErrorObject[]): ErrorObject[] {
  const at = (e: ErrorObject, keyword: string) => `${e.instancePath}|${e.schemaPath.slice(0, -keyword.length)}`;
  const enums = new Set(errors.filter((e) => e.keyword === 'enum').map((e) => at(e, 'enum')));
  const anyOfTypes = new Map<string, { type: string[] }>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'type') {
      out.push(e);
      continue;
    }
    if (enums.has(at(e, 'type'))) continue;
    const params = { type: [e.params.type as string | string[]].flat() };
    const branch = /\/anyOf\/\d+\/type$/.test(e.schemaPath) ? `${e.instancePath}|${e.schemaPath.replace(/\/\d+\/type$/, '')}` : undefined;
    const first = branch === undefined ? undefined : anyOfTypes.get(branch);
    if (first) first.type.push(...params.type);
    else {
      if (branch !== undefined) anyOfTypes.set(branch, params);
      out.push({ ...e, params });
    }
  }
  return out;
}

function explain(e: ErrorObject, data: unknown, secretPaths: Set<string>): SchemaProblem | null {
  const path = pointerToPath(e.instancePath, data);
  const where = path.length ? `"${String(path[path.length - 1])}"` : 'the document';
  const params = e.params as { additionalProperty?: string; missingProperty?: string; type?: string | string[]; allowedValues?: unknown[]; limit?: number };
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as JsonSchema | undefined)?.properties ?? {});
      const hit = didYouMean(key, allowed);
      return {
        path: [...path, key],
        atKey: true,
        message: `unknown key "${key}"${hit ? `. Did you mean "${hit}"?` : ''}`,
        hint: hit ? `rename "${key}" to "${hit}"` : allowed.length ? `allowed keys here: ${allowed.join(', ')}` : `remove "${key}"`,
      };
    }
    case 'required':
      return {
        path,
        atKey: false,
        message: `missing required key "${params.missingProperty}"`,
        hint: `add "${params.missingProperty}"`,
      };
    case 'type': {
      const secret = secretPaths.has(path.join('.'));
      const got = secret ? 'a value' : describe(valueAt(data, path));
      return { path, atKey: false, message: `${where} must be ${article(params.type ?? 'value')} (got ${got})` };
    }
    case 'enum':
      return {
        path,
        atKey: false,
        message: `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'pattern':
      return { path, atKey: false, message: `${where} has an invalid format`, hint: patternHint(e) };
    case 'not':
      return { path, atKey: false, message: `${where} has an invalid format`, hint: patternHint(e) };
    case 'minItems':
      return { path, atKey: false, message: `${where} must have at least ${params.limit} item(s)` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, atKey: false, message: `${where} ${e.message}` };
    case 'if':
    case 'anyOf':
    case 'oneOf':
      return null;
    default:
      return { path, atKey: false, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function patternHint(e: ErrorObject): string | undefined {
  const desc = (e.parentSchema as JsonSchema | undefined)?.description;
  return desc;
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let node: unknown = data;
  for (const seg of path) node = (node as Record<PathSegment, unknown> | undefined)?.[seg];
  return node;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function article(type: string | string[]): string {
  const t = Array.isArray(type) ? type.join(' or ') : type;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

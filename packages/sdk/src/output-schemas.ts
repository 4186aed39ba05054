import type { Schema } from 'apache-arrow';
import { ModuleError } from './errors.js';
import type { WorkerPool } from './context.js';

/** An output whose schema cannot be known before the run, and why (shown to users). */
export interface UnknownSchema {
  unknown: string;
}

/** The schema of one data connection as known at build time: an Arrow schema, or unknown. */
export type EdgeSchema = Schema | UnknownSchema;

export function unknownSchema(reason: string): UnknownSchema {
  return { unknown: reason };
}

export function isUnknownSchema(schema: EdgeSchema | undefined): schema is UnknownSchema | undefined {
  return schema === undefined || 'unknown' in schema;
}

/**
 * A problem in a module's config found before the run, e.g. a filter condition naming a column
 * its input does not have. Core locates it in the flow: file, line and column for YAML flows,
 * the node and key for TypeScript flows.
 */
export interface ConfigIssue {
  /** The config key and the path inside its value, e.g. `['condition']` or `['columns', 'total']`. */
  key: (string | number)[];
  message: string;
  /** The fix. */
  hint?: string;
  /** Characters inside the string at `key` the problem is about (0-based, end exclusive). */
  span?: { start: number; end: number };
  /** @default 'error' */
  severity?: 'error' | 'warning';
}

/** What `outputSchemas` receives. */
export interface SchemaContext<C = Record<string, unknown>> {
  /**
   * The config as written, defaults applied and `{{context.x}}` resolved. Expression fields
   * (`@format expression`) keep their templates, which the expression checkers accept as values
   * of any type. Called only when no other field holds a template known only at run time.
   */
  readonly config: C;
  /** The schema on each connected input port; `undefined` when it is not known before the run. */
  readonly inputs: Record<string, Schema | undefined>;
  /** Aborted when describing takes too long (a database that does not answer). */
  readonly signal: AbortSignal;
  readonly pool: WorkerPool;
  /** `settings.allowed_root` when the flow sets one; paths outside it are reported at run time. */
  readonly allowedRoot?: string;
}

/** What `outputSchemas` returns: a schema (or unknown) per output port, and config problems. */
export interface SchemaResult {
  /** By output port; a port left out is unknown. */
  outputs?: Record<string, EdgeSchema>;
  problems?: ConfigIssue[];
  /** Said once at build time, e.g. why a schema is unknown. */
  warnings?: string[];
}

/**
 * The error a module throws when its build-time check (`outputSchemas`), run again on the real
 * input, finds problems: every problem with its key path, the hints joined, else `hint`.
 * @example throw configIssuesError('aggregate_mod (totals)', problems, AGGREGATE_HINT)
 */
export function configIssuesError(where: string, problems: readonly ConfigIssue[], hint?: string): ModuleError {
  const hints = [...new Set(problems.map((p) => p.hint).filter((h): h is string => h !== undefined))];
  return new ModuleError(`${where}: ${problems.map((p) => `${p.key.join('.')}: ${p.message}`).join('; ')}`, { retryable: false, hint: hints.join('; ') || hint });
}

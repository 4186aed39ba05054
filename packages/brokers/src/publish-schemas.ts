import type { Schema } from 'apache-arrow';
import { configIssuesError, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { columnIssues } from './message-values.js';
import type { PublishConfig } from './publish-config.js';

/** What a broker sink's config names: its target template and other column keys, and its own checks. */
export interface PublishSchemaSpec<C> {
  targetKey: keyof C & string;
  columns?: (config: C) => Record<string, string | undefined>;
  /** Config problems that need no input (e.g. options that exclude each other). */
  issues?: (config: C) => ConfigIssue[];
}

/**
 * A broker sink's `outputSchemas`: it has no outputs; its config's column names (the target's
 * `{column}` placeholders, `payload_column`, …) are checked against the input, every problem at once.
 */
export function publishSchemas<C extends PublishConfig>(spec: PublishSchemaSpec<C>): (ctx: SchemaContext<C>) => SchemaResult {
  return ({ config, inputs }) => {
    const problems = spec.issues?.(config) ?? [];
    const input = inputs.input;
    if (!input) return { problems };
    if (input.fields.length === 0) return { problems: [...problems, { key: [spec.targetKey], message: 'its input has no columns', hint: 'check the module that feeds it' }] };
    const target = config[spec.targetKey] as unknown as string | undefined;
    return { problems: [...problems, ...columnIssues(input, { [spec.targetKey]: target }, { payload_column: config.payload_column, ...spec.columns?.(config) })] };
  };
}

/**
 * At run time (templates resolved, the real input known): throws every error `schemas` finds,
 * at once, before the sink connects. Warnings were shown at build time.
 */
export function assertPublishConfig<C>(schemas: (ctx: SchemaContext<C>) => SchemaResult, where: string, config: C, input: Schema, ctx: Pick<SchemaContext<C>, 'signal' | 'pool'>): void {
  const problems = (schemas({ config, inputs: { input }, signal: ctx.signal, pool: ctx.pool }).problems ?? []).filter((p) => p.severity !== 'warning');
  if (problems.length > 0) throw configIssuesError(where, problems);
}

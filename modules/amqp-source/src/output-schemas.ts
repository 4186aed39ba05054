import { Field, Schema } from 'apache-arrow';
import { unknownSchema, type ConfigIssue, type SchemaContext, type SchemaResult } from '@pypeline/sdk';
import { DEFAULTS, type Config, type MessageColumnType, type Resolved } from './config.js';
import { arrowType } from './message-rows.js';

/** The columns a read gives, or undefined when they come from the messages (json without columns). */
export function declaredColumns(c: Resolved): Record<string, MessageColumnType> | undefined {
  const base = c.format === 'text' ? { body: 'utf8' as const } : Object.keys(c.columns).length > 0 ? c.columns : undefined;
  if (!base) return undefined;
  return c.routing_key_column ? { ...base, [c.routing_key_column]: 'utf8' } : base;
}

/** Every config problem at once: a read needs a bound, and columns belong to format json. */
export function configIssues(c: Resolved): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!c.until_empty && c.max_messages === undefined && c.max_seconds === undefined) {
    issues.push({ key: ['until_empty'], message: 'until_empty is false and neither max_messages nor max_seconds is set, so the read would never end', hint: 'set max_messages or max_seconds, or until_empty: true' });
  }
  if (c.format === 'text' && Object.keys(c.columns).length > 0) issues.push({ key: ['columns'], message: 'columns is used by format json; format text gives one column, body', hint: 'set format: json, or leave columns out' });
  if (c.routing_key_column !== undefined && c.routing_key_column in (c.format === 'text' ? { body: 1 } : c.columns)) {
    issues.push({ key: ['routing_key_column'], message: `routing_key_column "${c.routing_key_column}" is also a column of the messages`, hint: 'choose another name' });
  }
  return issues;
}

/** The output's schema from format, columns and routing_key_column; unknown when it comes from the messages. */
export function amqpSourceSchemas({ config }: SchemaContext<Config>): SchemaResult {
  const c = { ...DEFAULTS, ...config };
  const problems = configIssues(c);
  const columns = declaredColumns(c);
  if (!columns) return { problems, outputs: { data: unknownSchema('amqp_source with format json and no columns types its columns from the messages it reads; declare columns to know them before the run') } };
  return { problems, outputs: { data: new Schema(Object.entries(columns).map(([name, type]) => new Field(name, arrowType(type), true))) } };
}

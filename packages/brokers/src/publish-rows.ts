import type { RecordBatch } from 'apache-arrow';
import { configIssuesError, ModuleError, type Artifact } from '@pypeline/sdk';
import { columnIssues, messageEncoder, type Messages } from './message-values.js';

export interface PublishRowsOptions {
  /** `mqtt_sink (publish)`: the module and node, for messages. */
  where: string;
  /** The config key holding the target template (`topic`, `subject`…) and its value. */
  targetKey: string;
  target: string;
  payloadColumn?: string;
  /** Other config keys naming input columns (e.g. `key_column`), checked before publishing. */
  columns?: Record<string, string | undefined>;
  /** Rows per publish call, each awaited (its acknowledgements) before the next. */
  batchSize: number;
  signal: AbortSignal;
}

/**
 * Publishes an input's rows through `publish`, `batchSize` rows at a time, each call awaited
 * (its acknowledgements received) before the next, so a failure says how many rows the broker
 * already has. Checks every column the config names against the input first, all at once.
 * Returns the number of rows published.
 */
export async function publishRows(input: Artifact, options: PublishRowsOptions, publish: (messages: Messages, rows: RecordBatch, first: number) => Promise<void>): Promise<number> {
  const issues = columnIssues(input.schema, { [options.targetKey]: options.target }, { payload_column: options.payloadColumn, ...options.columns });
  if (issues.length > 0) throw configIssuesError(options.where, issues);
  const encode = messageEncoder(input.schema, { where: options.where, target: options.target, payloadColumn: options.payloadColumn });
  let done = 0;
  for await (const batch of input.batches()) {
    for (let from = 0; from < batch.numRows; from += options.batchSize) {
      options.signal.throwIfAborted();
      const rows = batch.slice(from, Math.min(batch.numRows, from + options.batchSize));
      let messages: Messages;
      try {
        messages = encode(rows);
      } catch (e) {
        throw new ModuleError(`${(e as Error).message.replace(/row (\d+)/, (_m, i: string) => `row ${done + Number(i)}`)}${done > 0 ? `; the ${done} rows before it were published` : ''}`, { retryable: false });
      }
      try {
        await publish(messages, rows, done);
      } catch (e) {
        if (options.signal.aborted) throw e;
        const m = (e as Error).message;
        throw new ModuleError(`${options.where}: ${m}${done > 0 ? ` (the broker acknowledged the ${done} rows before these; a retry publishes them again)` : ''}`, {
          retryable: (e as ModuleError).retryable ?? true,
          hint: (e as ModuleError).hint,
          cause: e,
        });
      }
      done += rows.numRows;
    }
  }
  return done;
}

import type { Channel, GetMessage } from 'amqplib';
import { ModuleError, sleep, type ModuleLogger } from '@pypeline/sdk';
import type { Config } from './config.js';
import { jsonRows, misfit, type MessageRow } from './message-rows.js';

type Bounds = Pick<Config, 'queue' | 'max_messages' | 'max_seconds' | 'routing_key_column'> & Required<Pick<Config, 'until_empty' | 'format' | 'columns' | 'on_error'>>;

/** What one read took from the queue: the rows, and the last message kept (to acknowledge up to). */
export interface QueueRead {
  rows: MessageRow[];
  messages: number;
  rejected: number;
  last?: GetMessage;
}

// How often an empty queue is asked again while a time window or a count is still open.
const IDLE_POLL_MS = 100;

/**
 * Takes messages one by one (basic.get, so "the queue is empty" is the broker's answer, not a
 * guess) until a bound is reached, none of them acknowledged yet. A message that is not what
 * `format` says fails the read (`on_error: fail`; the caller returns everything to the queue) or
 * is rejected without requeueing, which dead-letters it where the queue has a dead-letter exchange.
 */
export async function readQueue(channel: Channel, c: Bounds, signal: AbortSignal, logger: ModuleLogger): Promise<QueueRead> {
  const read: QueueRead = { rows: [], messages: 0, rejected: 0 };
  const deadline = c.max_seconds === undefined ? Infinity : Date.now() + c.max_seconds * 1000;
  const declared = Object.keys(c.columns).length > 0 ? c.columns : undefined;
  while (read.messages < (c.max_messages ?? Infinity) && Date.now() < deadline && !signal.aborted) {
    const message = await channel.get(c.queue, { noAck: false });
    if (!message) {
      if (c.until_empty) break;
      await sleep(Math.min(IDLE_POLL_MS, deadline - Date.now()), signal);
      continue;
    }
    const rows = rowsOf(message, c.format);
    const problem = typeof rows === 'string' ? rows : declared ? rows.map((r) => misfit(r, declared)).find((p) => p !== undefined) : undefined;
    if (problem !== undefined) {
      const shown = message.content.length > 200 ? `${message.content.subarray(0, 200).toString()}…` : message.content.toString();
      if (c.on_error === 'fail') {
        throw new ModuleError(`message ${read.messages + read.rejected + 1} of queue "${c.queue}" ${problem}: ${shown}`, { retryable: false, hint: "fix the producer, declare columns that fit, or set on_error: reject to reject such messages (dead-lettered when the queue has a dead-letter exchange); every message read was returned to the queue" });
      }
      channel.nack(message, false, false);
      read.rejected++;
      logger.warn('rejected a message', { queue: c.queue, problem, message: shown });
      continue;
    }
    const routing = c.routing_key_column;
    for (const row of rows as MessageRow[]) read.rows.push(routing ? { ...row, [routing]: message.fields.routingKey } : row);
    read.messages++;
    read.last = message;
  }
  return read;
}

function rowsOf(message: GetMessage, format: 'json' | 'text'): MessageRow[] | string {
  const text = message.content.toString('utf8');
  return format === 'text' ? [{ body: text }] : jsonRows(text);
}

import { publishSchemas, templateColumns } from '@pypeline/brokers';
import type { ConfigIssue } from '@pypeline/sdk';
import type { Config } from './config.js';

/** Checks the routing key's `{column}` placeholders and payload_column against the input, and that messages have a destination. */
export const amqpSinkSchemas = publishSchemas<Config>({ targetKey: 'routing_key', issues });

function issues(c: Config): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (c.routing_key === undefined && c.queue === undefined) out.push({ key: ['routing_key'], message: 'neither routing_key nor queue is set, so messages have no destination', hint: 'set queue (the default exchange routes to it by name), or routing_key' });
  if (c.exchange_type !== undefined && !c.exchange) out.push({ key: ['exchange_type'], message: 'exchange_type declares the exchange named by exchange, which is the default exchange ("")', hint: 'set exchange to a name, or leave exchange_type out' });
  if (c.queue !== undefined && c.exchange && c.binding_key === undefined && templateColumns(c.routing_key ?? '').length > 0) {
    out.push({ key: ['binding_key'], message: `queue "${c.queue}" is bound to exchange "${c.exchange}", and the routing key "${c.routing_key}" varies by row`, hint: 'set binding_key: the key or pattern (topic exchange, e.g. "orders.#") to bind the queue with' });
  }
  if (c.binding_key !== undefined && (c.queue === undefined || !c.exchange)) out.push({ key: ['binding_key'], severity: 'warning', message: 'binding_key is used only with queue and a named exchange; it does nothing here' });
  return out;
}

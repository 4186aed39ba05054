import { publishSchemas } from '@pypeline/brokers';
import type { Config } from './config.js';

/** Checks the topic's `{column}` placeholders, payload_column and key against the input. */
export const kafkaSinkSchemas = publishSchemas<Config>({
  targetKey: 'topic',
  columns: (c) => ({ key: c.key }),
  issues: (c) => (c.brokers.length === 0 ? [{ key: ['brokers'], message: 'brokers is empty', hint: 'name at least one broker, e.g. brokers: ["127.0.0.1:9092"]' }] : []),
});

import { publishSchemas } from '@pypeline/brokers';
import type { Config } from './config.js';

/** Checks the stream key's `{column}` placeholders and payload_column against the input. */
export const redisStreamSinkSchemas = publishSchemas<Config>({
  targetKey: 'stream',
  issues: (c) => (c.format === 'fields' && c.payload_column !== undefined ? [{ key: ['payload_column'], message: 'payload_column is used by format json; format fields writes every column', hint: 'set format: json, or leave payload_column out' }] : []),
});

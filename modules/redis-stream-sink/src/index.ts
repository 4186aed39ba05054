import type { Redis } from 'ioredis';
import type { RecordBatch } from 'apache-arrow';
import { brokerSink, cellText, connectRedis, type Messages, PUBLISH_DEFAULTS, releaseRedis, safeUrl } from '@pypeline/brokers';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { redisStreamSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>(brokerSink<Config, Resolved, Redis>({
  name: 'redis_stream_sink',
  description: 'Appends each row to a Redis stream (XADD, one pipeline per batch) as JSON, one column, or one field per column; stream key templated from row values',
  defaults: DEFAULTS,
  schemas: redisStreamSinkSchemas,
  target: (c) => ({ key: 'stream', value: c.stream }),
  open: (c, log) => connectRedis(c.url, log),
  async publish(redis, messages, rows, _first, c) {
    const trim = c.max_len !== undefined ? ['MAXLEN', '~', String(c.max_len)] : [];
    const pipeline = redis.pipeline();
    entries(c, messages, rows).forEach((fields, i) => pipeline.xadd(messages.targets[i], ...trim, '*', ...fields));
    const failed = ((await pipeline.exec()) ?? []).find(([e]) => e);
    if (failed) {
      const message = failed[0]!.message;
      const wrongType = /WRONGTYPE/.test(message);
      throw new ModuleError(`XADD failed: ${message}`, { retryable: !wrongType, hint: wrongType ? 'the key holds another type than a stream: choose another stream key' : undefined });
    }
  },
  close: async (redis) => releaseRedis(redis),
  check: async (c) => `Redis at ${safeUrl(c.url)} accepts the connection`,
  logFields: (c) => ({ redis: safeUrl(c.url), stream: c.stream }),
}));

/** Each row's field/value pairs: the payload under `field`, or one pair per non-null column. */
function entries(config: Resolved, messages: Messages, batch: RecordBatch): (string | Buffer)[][] {
  if (config.format === 'json') return messages.payloads.map((payload) => [config.field, payload]);
  const texts = batch.schema.fields.map(cellText);
  const columns = batch.data.children;
  return Array.from({ length: batch.numRows }, (_, i) => batch.schema.fields.flatMap((f, c) => {
    const v = texts[c](columns[c], i);
    return v === null ? [] : [f.name, v];
  }));
}

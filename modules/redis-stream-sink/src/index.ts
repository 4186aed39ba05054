import type { RecordBatch } from 'apache-arrow';
import { assertPublishConfig, cellText, connectRedis, type Messages, moduleLog, PUBLISH_DEFAULTS, publishRows, releaseRedis, safeUrl } from '@pypeline/brokers';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { redisStreamSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>({
  name: 'redis_stream_sink',
  type: 'sink',
  description: 'Appends each row to a Redis stream (XADD, one pipeline per batch) as JSON, one column, or one field per column; stream key templated from row values',
  category: 'Message Sinks',
  inputPorts: ['input'],
  globals: ['row_count'],
  outputSchemas: redisStreamSinkSchemas,
  async check({ config }) {
    const c: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...config };
    releaseRedis(await connectRedis(c.url, () => {}));
    return `Redis at ${safeUrl(c.url)} accepts the connection`;
  },
  async run(inputs, ctx) {
    const config: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'redis_stream_sink', 'connect a data edge to it, e.g. "source.data - publish.input"');
    const where = `redis_stream_sink (${ctx.moduleId})`;
    assertPublishConfig(redisStreamSinkSchemas, where, config, input.schema, ctx);
    const redis = await connectRedis(config.url, moduleLog(ctx.logger));
    const trim = config.max_len !== undefined ? ['MAXLEN', '~', String(config.max_len)] : [];
    let rows: number;
    try {
      rows = await publishRows(input, { where, targetKey: 'stream', target: config.stream, payloadColumn: config.payload_column, batchSize: config.batch_size, signal: ctx.signal }, async (messages, batch) => {
        const pipeline = redis.pipeline();
        entries(config, messages, batch).forEach((fields, i) => pipeline.xadd(messages.targets[i], ...trim, '*', ...fields));
        const failed = ((await pipeline.exec()) ?? []).find(([e]) => e);
        if (failed) {
          const message = failed[0]!.message;
          throw new ModuleError(`XADD failed: ${message}`, { retryable: !/WRONGTYPE/.test(message), hint: /WRONGTYPE/.test(message) ? 'the key holds another type than a stream: choose another stream key' : undefined });
        }
      });
    } finally {
      releaseRedis(redis);
    }
    ctx.setGlobal('row_count', rows);
    ctx.logger.info('appended rows', { redis: safeUrl(config.url), stream: config.stream, rows });
  },
});

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

import type { Kafka, Message } from 'kafkajs';
import { assertPublishConfig, type BrokerLogger, cellText, kafkaClient, moduleLog, PUBLISH_DEFAULTS, publishRows } from '@pypeline/brokers';
import { defineModule, ModuleError, requireInput } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { kafkaSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>({
  name: 'kafka_sink',
  type: 'sink',
  description: 'Produces each row to Kafka as JSON (or one column as payload) with the idempotent producer, every message acknowledged by all in-sync replicas; topic templated from row values',
  category: 'Message Sinks',
  inputPorts: ['input'],
  globals: ['row_count'],
  outputSchemas: kafkaSinkSchemas,
  async check({ config }) {
    const c: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...config };
    const admin = client(c, () => {}).admin();
    await connected(c, () => admin.connect());
    await admin.disconnect();
    return `Kafka at ${c.brokers.join(', ')} accepts the connection`;
  },
  async run(inputs, ctx) {
    const config: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'kafka_sink', 'connect a data edge to it, e.g. "source.data - publish.input"');
    const where = `kafka_sink (${ctx.moduleId})`;
    assertPublishConfig(kafkaSinkSchemas, where, config, input.schema, ctx);
    // Idempotent: a send the producer retries is written once per partition.
    const producer = client(config, moduleLog(ctx.logger)).producer({ idempotent: true, maxInFlightRequests: 1 });
    await connected(config, () => producer.connect());
    let rows: number;
    try {
      rows = await publishRows(input, { where, targetKey: 'topic', target: config.topic, payloadColumn: config.payload_column, columns: { key_column: config.key_column }, batchSize: config.batch_size, signal: ctx.signal }, async ({ targets, payloads }, batch) => {
        const k = config.key_column === undefined ? -1 : batch.schema.fields.findIndex((f) => f.name === config.key_column);
        const keyOf = k < 0 ? undefined : cellText(batch.schema.fields[k]);
        const byTopic = new Map<string, Message[]>();
        payloads.forEach((value, i) => {
          const list = byTopic.get(targets[i]) ?? byTopic.set(targets[i], []).get(targets[i])!;
          list.push({ key: keyOf ? keyOf(batch.data.children[k], i) : null, value });
        });
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      });
    } finally {
      await producer.disconnect().catch(() => {});
    }
    ctx.setGlobal('row_count', rows);
    ctx.logger.info('produced rows', { brokers: config.brokers.join(','), topic: config.topic, rows });
  },
});

function client(c: Resolved, log: BrokerLogger): Kafka {
  const sasl = c.username !== undefined ? { mechanism: 'plain' as const, username: c.username, password: c.password ?? '' } : undefined;
  return kafkaClient({ brokers: c.brokers, clientId: c.client_id, client: { ssl: c.ssl, sasl, connectionTimeout: c.connect_timeout * 1000, retry: { retries: 2 } } }, log);
}

async function connected(c: Resolved, connect: () => Promise<void>): Promise<void> {
  try {
    await connect();
  } catch (e) {
    throw new ModuleError(`cannot reach Kafka at ${c.brokers.join(', ')} (${(e as Error).message})`, { hint: 'start Kafka, or set brokers to where it runs (host:port of at least one broker)', cause: e });
  }
}

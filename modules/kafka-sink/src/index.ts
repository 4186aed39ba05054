import type { Kafka, Message, Producer } from 'kafkajs';
import { brokerSink, type BrokerLogger, cellText, kafkaClient, PUBLISH_DEFAULTS } from '@pypeline/brokers';
import { defineModule, ModuleError } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { kafkaSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>(brokerSink<Config, Resolved, Producer>({
  name: 'kafka_sink',
  description: 'Produces each row to Kafka as JSON (or one column as payload) with the idempotent producer, every message acknowledged by all in-sync replicas; topic templated from row values',
  defaults: DEFAULTS,
  schemas: kafkaSinkSchemas,
  target: (c) => ({ key: 'topic', value: c.topic }),
  columns: (c) => ({ key: c.key }),
  async open(c, log) {
    // Idempotent: a send the producer retries is written once per partition.
    const producer = client(c, log).producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
    } catch (e) {
      throw new ModuleError(`cannot reach Kafka at ${c.brokers.join(', ')} (${(e as Error).message})`, { hint: 'start Kafka, or set brokers to where it runs (host:port of at least one broker)', cause: e });
    }
    return producer;
  },
  async publish(producer, { targets, payloads }, rows, _first, c) {
    const k = c.key === undefined ? -1 : rows.schema.fields.findIndex((f) => f.name === c.key);
    const keyOf = k < 0 ? undefined : cellText(rows.schema.fields[k]);
    const byTopic = new Map<string, Message[]>();
    payloads.forEach((value, i) => {
      const list = byTopic.get(targets[i]) ?? byTopic.set(targets[i], []).get(targets[i])!;
      list.push({ key: keyOf ? keyOf(rows.data.children[k], i) : null, value });
    });
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  },
  close: (producer) => producer.disconnect().catch(() => {}),
  check: async (c) => `Kafka at ${c.brokers.join(', ')} accepts the connection`,
  logFields: (c) => ({ brokers: c.brokers.join(','), topic: c.topic }),
}));

function client(c: Resolved, log: BrokerLogger): Kafka {
  const sasl = c.username !== undefined ? { mechanism: 'plain' as const, username: c.username, password: c.password ?? '' } : undefined;
  return kafkaClient({ brokers: c.brokers, clientId: c.client_id, client: { ssl: c.ssl, sasl, connectionTimeout: c.connect_timeout * 1000, retry: { retries: 2 } } }, log);
}

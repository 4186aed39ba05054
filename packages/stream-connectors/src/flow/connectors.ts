import { amqpSink, amqpSource } from '../amqp.js';
import { fileSink, fileTailSource, folderSource } from '../files.js';
import { httpSink, httpSource } from '../http.js';
import { kafkaSink, kafkaSource } from '../kafka.js';
import { mqttSink, mqttSource } from '../mqtt.js';
import { natsJetStreamSource, natsSink } from '../nats.js';
import { postgresSink } from '../postgres.js';
import { redisStreamSink, redisStreamSource } from '../redis-streams.js';
import { boolean, columnTypes, configOf, integer, mapping, oneOf, secret, text, textList, textOrList, type PropertySchema } from './config-schema.js';
import { sourceConfig, type PaletteEntry } from './palette.js';

/** YAML keys are snake_case (`client_id`); connector options are camelCase (`clientId`). Top level only. */
function camel(config: Record<string, unknown>): never {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as never;
}

const DECODE: Record<string, PropertySchema> = {
  format: oneOf(['json', 'text'], '`json` (default): each message is a JSON object or an array of objects; `text`: one `value` column.'),
  schema: columnTypes('Column types (string, float64, int32, int64, bool, timestamp), e.g. { sensor: string, value: float64, ts: timestamp }; inferred from the first messages when absent. Text is read by the shared rules (see streaming.md).'),
  on_error: oneOf(['fail', 'skip'], 'A message that cannot be decoded: `fail` (default) stops the app, `skip` logs and drops it.'),
};
const LINES: Record<string, PropertySchema> = {
  ...DECODE,
  format: oneOf(['json', 'csv', 'text'], '`json` (JSON lines, default), `csv` (a header line, then records) or `text` (a `value` column).'),
  max_batch_bytes: integer('Bytes read per batch at most.'),
};
const MQTT: Record<string, PropertySchema> = {
  username: text('Broker user.'),
  password: secret('Broker password (use {{secret.name}}).'),
  connect_timeout_ms: integer('How long to wait for the broker on start (ms). Default 10000.'),
};
const NATS: Record<string, PropertySchema> = {
  user: text('NATS user.'),
  pass: secret('NATS password (use {{secret.name}}).'),
  token: secret('NATS token (use {{secret.name}}).'),
};

/** Broker and file connectors as YAML stream flow modules (options as in the TypeScript factories, snake_case). */
export const CONNECTORS: PaletteEntry[] = [
  {
    name: 'mqtt_source', role: 'source', description: 'MQTT topics, at least once through the intake log (persistent session, QoS 1).',
    ...sourceConfig({ url: text('Broker URL, e.g. mqtt://127.0.0.1:1883.'), topic: textOrList('Topic filter(s), wildcards allowed.'), client_id: text('Fixed client id: the broker keeps the session under it.') }, { ...MQTT, ...DECODE, qos: oneOf([0, 1], 'QoS 0 or 1 (default 1).'), topic_column: text('Adds each message\'s topic as this column.'), batch_size: integer('Rows per batch at most (default 1000).') }),
    create: (c) => mqttSource(camel(c)),
  },
  {
    name: 'mqtt_sink', role: 'sink', description: 'Publishes each row as a JSON message.',
    ...configOf({ url: text('Broker URL.'), topic: text('Topic; {column} placeholders take the row\'s value.') }, { ...MQTT, qos: oneOf([0, 1, 2], 'QoS 0, 1 (default) or 2.'), retain: boolean('Publish retained messages.') }),
    create: (c) => mqttSink(camel(c)),
  },
  {
    name: 'nats_source', role: 'source', description: 'A NATS JetStream stream, replayed from the checkpointed stream sequence.',
    ...sourceConfig({ servers: textOrList('Server address(es), e.g. 127.0.0.1:4222.'), stream: text('The JetStream stream.') }, { ...NATS, ...DECODE, subject: textOrList('Only these subjects (wildcards allowed).'), start_at: oneOf(['first', 'new'], 'A first start reads from the `first` message (default) or only `new` ones.'), subject_column: text('Adds each message\'s subject as this column.'), batch_size: integer('Rows per batch at most (default 1000).') }),
    create: (c) => natsJetStreamSource(camel(c)),
  },
  {
    name: 'nats_sink', role: 'sink', description: 'Publishes each row as a JSON message (core NATS, or JetStream with acknowledgements).',
    ...configOf({ servers: textOrList('Server address(es).'), subject: text('Subject; {column} placeholders take the row\'s value.') }, { ...NATS, jetstream: boolean('Publish through JetStream and wait for acknowledgements (at least once).'), msg_id: text('JetStream: column giving each message\'s Nats-Msg-Id (de-duplicates replays).') }),
    create: (c) => natsSink(camel(c)),
  },
  {
    name: 'redis_stream_source', role: 'source', description: 'A Redis stream read with XREAD from the checkpointed entry id.',
    ...sourceConfig({ url: text('Redis URL, e.g. redis://127.0.0.1:6379.'), stream: text('The stream key.') }, {
      ...DECODE, format: oneOf(['json', 'text', 'fields'], '`json` (default: one field holds the row as JSON), `text`, or `fields` (field/value pairs are columns).'),
      field: text('The field holding the payload for json/text (default `data`).'), start_at: oneOf(['first', 'new'], '`first` (default) or `new`.'),
      id_column: text('Adds each entry\'s id as this column.'), batch_size: integer('Entries per read at most.'), block_ms: integer('How long one XREAD waits for entries (ms).'),
    }),
    create: (c) => redisStreamSource(camel(c)),
  },
  {
    name: 'redis_stream_sink', role: 'sink', description: 'Appends each row to a Redis stream (XADD).',
    ...configOf({ url: text('Redis URL.'), stream: text('The stream key.') }, { format: oneOf(['json', 'text', 'fields'], '`json` (default) or `fields`.'), field: text('The field holding the JSON row (default `data`).'), max_len: integer('Trim the stream to about this many entries.') }),
    create: (c) => redisStreamSink(camel(c)),
  },
  {
    name: 'postgres_sink', role: 'sink', description: 'PostgreSQL, exactly once by default (one transaction per checkpoint), append or upsert.',
    ...configOf({ connection: secret('A postgres:// URL (put the password in {{secret.name}}).'), table: text('Target table.') }, {
      schema: text('Schema of the table and of the commit table.'), mode: oneOf(['append', 'upsert'], '`append` (default) or `upsert` (needs key).'),
      key: textList('Columns identifying a row in upsert mode.'), create_table: boolean('Create the table from the stream\'s columns when missing.'),
      exactly_once: boolean('One transaction per checkpoint, committed with the checkpoint id (default true).'), batch_size: integer('Rows per INSERT.'),
    }),
    create: (c) => postgresSink(camel(c)),
  },
  {
    name: 'http_source', role: 'source', description: 'A webhook: POSTed JSON is logged, answered 202, then processed (at least once).',
    ...sourceConfig({ port: integer('Port to listen on.') }, { ...DECODE, host: text('Address to listen on (default 127.0.0.1).'), path: text('Path senders POST to (default /).'), max_body_bytes: integer('Larger bodies get 413 (default 1 MiB).'), batch_size: integer('Messages per batch at most.') }),
    create: (c) => httpSource(camel(c)),
  },
  {
    name: 'http_sink', role: 'sink', description: 'POSTs rows as JSON arrays, retrying 5xx/429/network errors with backoff.',
    ...configOf({ url: text('Receiver URL.') }, { method: oneOf(['POST', 'PUT', 'PATCH'], 'POST (default), PUT or PATCH.'), headers: mapping('Extra headers.'), batch_size: integer('Rows per request (default 500).'), retries: integer('Retries (default 3).'), backoff: mapping('{ initial_ms, max_ms } of the retry backoff.'), timeout_ms: integer('Time one request may take (ms).') }),
    create: (c) => {
      const o = camel(c) as Record<string, unknown>;
      const b = o.backoff as Record<string, number> | undefined;
      return httpSink({ ...o, ...(b ? { backoff: { initialMs: b.initial_ms ?? b.initialMs, maxMs: b.max_ms ?? b.maxMs } } : {}) } as never);
    },
  },
  {
    name: 'file_tail_source', role: 'source', description: 'Follows an append-only file (JSON lines, CSV or text) from the checkpointed byte offset.',
    ...sourceConfig({ path: text('The file.') }, { ...LINES, poll_ms: integer('How often to look for new data (ms).'), from_start: boolean('A first start reads the file from the beginning (default) or only what is appended.') }),
    create: (c) => fileTailSource(camel(c)),
  },
  {
    name: 'folder_source', role: 'source', description: 'Reads each new file in a folder once, in name order.',
    ...sourceConfig({ path: text('The folder.') }, { ...LINES, pattern: text('Glob of the files to read, e.g. *.jsonl.'), poll_ms: integer('How often to look for new files (ms).') }),
    create: (c) => folderSource(camel(c)),
  },
  {
    name: 'file_sink', role: 'sink', description: 'Appends JSON lines to a file (fsynced at each checkpoint).',
    ...configOf({ path: text('The file.') }, { format: oneOf(['jsonl'], 'jsonl.') }),
    create: (c) => fileSink(camel(c)),
  },
  {
    name: 'kafka_source', role: 'source', description: 'A Kafka topic (kafkajs), offsets kept in checkpoints. Untested here: no broker.',
    ...sourceConfig({ brokers: textList('Broker addresses.'), topic: text('The topic.') }, { ...DECODE, group_id: text('Consumer group.'), client_id: text('Client id.'), from_beginning: boolean('A first start reads from the beginning.') }),
    create: (c) => kafkaSource(camel(c)),
  },
  {
    name: 'kafka_sink', role: 'sink', description: 'Produces each row as a JSON message (kafkajs). Untested here: no broker.',
    ...configOf({ brokers: textList('Broker addresses.'), topic: text('The topic.') }, { key: text('Column used as the message key.'), client_id: text('Client id.'), batch_size: integer('Rows per send.') }),
    create: (c) => kafkaSink(camel(c)),
  },
  {
    name: 'amqp_source', role: 'source', description: 'A RabbitMQ (AMQP 0-9-1) queue, each message acknowledged once a checkpoint covers it (at least once).',
    ...sourceConfig({ url: text('amqp://user:password@host:5672/vhost (put the password in {{secret.name}}).'), queue: text('The queue (it must exist).') }, { ...DECODE, prefetch: integer('Unacknowledged messages the broker sends ahead (default 10000); reading pauses when this many wait for a checkpoint.'), routing_key_column: text('Adds each message\'s routing key as this column.'), batch_size: integer('Rows per batch at most (default 1000).') }),
    create: (c) => amqpSource(camel(c)),
  },
  {
    name: 'amqp_sink', role: 'sink', description: 'Publishes each row as a persistent JSON message, every write confirmed by the broker (at least once).',
    ...configOf({ url: text('amqp://user:password@host:5672/vhost.'), routing_key: text('Routing key; {column} placeholders take the row\'s value.') }, { exchange: text('Exchange; "" (default) routes to the queue named by the routing key.'), persistent: boolean('Persistent messages (default true).') }),
    create: (c) => amqpSink(camel(c)),
  },
];

import { fileSink, fileTailSource, folderSource } from '../files.js';
import { httpSink, httpSource } from '../http.js';
import { kafkaSink, kafkaSource } from '../kafka.js';
import { mqttSink, mqttSource } from '../mqtt.js';
import { natsJetStreamSource, natsSink } from '../nats.js';
import { postgresSink } from '../postgres.js';
import { redisStreamSink, redisStreamSource } from '../redis-streams.js';
import type { FieldSpec, PaletteEntry } from './palette.js';

/** YAML keys are snake_case (`client_id`); connector options are camelCase (`clientId`). Top level only. */
function camel(config: Record<string, unknown>): never {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v])) as never;
}

const f = (type: FieldSpec['type'], description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, description, ...extra });

const DECODE: Record<string, FieldSpec> = {
  format: f('string', '`json` (default): each message is a JSON object or an array of objects; `text`: one `value` column.', { enum: ['json', 'text'] }),
  schema: f('schema', 'Column types, e.g. { sensor: string, value: float64, ts: timestamp }; inferred from the first messages when absent.'),
  on_error: f('string', 'A message that cannot be decoded: `fail` (default) stops the app, `skip` logs and drops it.', { enum: ['fail', 'skip'] }),
};
const LINES: Record<string, FieldSpec> = {
  ...DECODE,
  format: f('string', '`json` (JSON lines, default), `csv` (a header line, then records) or `text` (a `value` column).', { enum: ['json', 'csv', 'text'] }),
  max_batch_bytes: f('integer', 'Bytes read per batch at most.'),
};
const MQTT: Record<string, FieldSpec> = {
  username: f('string', 'Broker user.'),
  password: f('string', 'Broker password (use {{secret.name}}).'),
  connect_timeout_ms: f('integer', 'How long to wait for the broker on start (ms). Default 10000.'),
};
const NATS: Record<string, FieldSpec> = {
  user: f('string', 'NATS user.'),
  pass: f('string', 'NATS password (use {{secret.name}}).'),
  token: f('string', 'NATS token (use {{secret.name}}).'),
};

/** Broker and file connectors as YAML stream flow modules (options as in the TypeScript factories, snake_case). */
export const CONNECTORS: PaletteEntry[] = [
  {
    name: 'mqtt_source', role: 'source', description: 'MQTT topics, at least once through the intake log (persistent session, QoS 1).',
    required: { url: f('string', 'Broker URL, e.g. mqtt://127.0.0.1:1883.'), topic: f('string|string[]', 'Topic filter(s), wildcards allowed.'), client_id: f('string', 'Fixed client id: the broker keeps the session under it.') },
    optional: { ...MQTT, ...DECODE, qos: f('integer', 'QoS 0 or 1 (default 1).', { enum: [0, 1] }), topic_column: f('string', 'Adds each message\'s topic as this column.'), batch_size: f('integer', 'Rows per batch at most (default 1000).') },
    create: (c) => mqttSource(camel(c)),
  },
  {
    name: 'mqtt_sink', role: 'sink', description: 'Publishes each row as a JSON message.',
    required: { url: f('string', 'Broker URL.'), topic: f('string', 'Topic; {column} placeholders take the row\'s value.') },
    optional: { ...MQTT, qos: f('integer', 'QoS 0, 1 (default) or 2.', { enum: [0, 1, 2] }), retain: f('boolean', 'Publish retained messages.') },
    create: (c) => mqttSink(camel(c)),
  },
  {
    name: 'nats_source', role: 'source', description: 'A NATS JetStream stream, replayed from the checkpointed stream sequence.',
    required: { servers: f('string|string[]', 'Server address(es), e.g. 127.0.0.1:4222.'), stream: f('string', 'The JetStream stream.') },
    optional: { ...NATS, ...DECODE, subject: f('string|string[]', 'Only these subjects (wildcards allowed).'), start_at: f('string', 'A first start reads from the `first` message (default) or only `new` ones.', { enum: ['first', 'new'] }), subject_column: f('string', 'Adds each message\'s subject as this column.'), batch_size: f('integer', 'Rows per batch at most (default 1000).') },
    create: (c) => natsJetStreamSource(camel(c)),
  },
  {
    name: 'nats_sink', role: 'sink', description: 'Publishes each row as a JSON message (core NATS, or JetStream with acknowledgements).',
    required: { servers: f('string|string[]', 'Server address(es).'), subject: f('string', 'Subject; {column} placeholders take the row\'s value.') },
    optional: { ...NATS, jetstream: f('boolean', 'Publish through JetStream and wait for acknowledgements (at least once).'), msg_id: f('string', 'JetStream: column giving each message\'s Nats-Msg-Id (de-duplicates replays).') },
    create: (c) => natsSink(camel(c)),
  },
  {
    name: 'redis_stream_source', role: 'source', description: 'A Redis stream read with XREAD from the checkpointed entry id.',
    required: { url: f('string', 'Redis URL, e.g. redis://127.0.0.1:6379.'), stream: f('string', 'The stream key.') },
    optional: {
      ...DECODE, format: f('string', '`json` (default: one field holds the row as JSON), `text`, or `fields` (field/value pairs are columns).', { enum: ['json', 'text', 'fields'] }),
      field: f('string', 'The field holding the payload for json/text (default `data`).'), start_at: f('string', '`first` (default) or `new`.', { enum: ['first', 'new'] }),
      id_column: f('string', 'Adds each entry\'s id as this column.'), batch_size: f('integer', 'Entries per read at most.'), block_ms: f('integer', 'How long one XREAD waits for entries (ms).'),
    },
    create: (c) => redisStreamSource(camel(c)),
  },
  {
    name: 'redis_stream_sink', role: 'sink', description: 'Appends each row to a Redis stream (XADD).',
    required: { url: f('string', 'Redis URL.'), stream: f('string', 'The stream key.') },
    optional: { format: f('string', '`json` (default) or `fields`.', { enum: ['json', 'text', 'fields'] }), field: f('string', 'The field holding the JSON row (default `data`).'), max_len: f('integer', 'Trim the stream to about this many entries.') },
    create: (c) => redisStreamSink(camel(c)),
  },
  {
    name: 'postgres_sink', role: 'sink', description: 'PostgreSQL, exactly once by default (one transaction per checkpoint), append or upsert.',
    required: { connection: f('string', 'A postgres:// URL (put the password in {{secret.name}}).'), table: f('string', 'Target table.') },
    optional: {
      schema: f('string', 'Schema of the table and of the commit table.'), mode: f('string', '`append` (default) or `upsert` (needs key).', { enum: ['append', 'upsert'] }),
      key: f('string[]', 'Columns identifying a row in upsert mode.'), create_table: f('boolean', 'Create the table from the stream\'s columns when missing.'),
      exactly_once: f('boolean', 'One transaction per checkpoint, committed with the checkpoint id (default true).'), batch_size: f('integer', 'Rows per INSERT.'),
    },
    create: (c) => postgresSink(camel(c)),
  },
  {
    name: 'http_source', role: 'source', description: 'A webhook: POSTed JSON is logged, answered 202, then processed (at least once).',
    required: { port: f('integer', 'Port to listen on.') },
    optional: { ...DECODE, host: f('string', 'Address to listen on (default 127.0.0.1).'), path: f('string', 'Path senders POST to (default /).'), max_body_bytes: f('integer', 'Larger bodies get 413 (default 1 MiB).'), batch_size: f('integer', 'Messages per batch at most.') },
    create: (c) => httpSource(camel(c)),
  },
  {
    name: 'http_sink', role: 'sink', description: 'POSTs rows as JSON arrays, retrying 5xx/429/network errors with backoff.',
    required: { url: f('string', 'Receiver URL.') },
    optional: { method: f('string', 'POST (default), PUT or PATCH.', { enum: ['POST', 'PUT', 'PATCH'] }), headers: f('object', 'Extra headers.'), batch_size: f('integer', 'Rows per request (default 500).'), retries: f('integer', 'Retries (default 3).'), backoff: f('object', '{ initial_ms, max_ms } of the retry backoff.'), timeout_ms: f('integer', 'Time one request may take (ms).') },
    create: (c) => {
      const o = camel(c) as Record<string, unknown>;
      const b = o.backoff as Record<string, number> | undefined;
      return httpSink({ ...o, ...(b ? { backoff: { initialMs: b.initial_ms ?? b.initialMs, maxMs: b.max_ms ?? b.maxMs } } : {}) } as never);
    },
  },
  {
    name: 'file_tail_source', role: 'source', description: 'Follows an append-only file (JSON lines, CSV or text) from the checkpointed byte offset.',
    required: { path: f('string', 'The file.') },
    optional: { ...LINES, poll_ms: f('integer', 'How often to look for new data (ms).'), from_start: f('boolean', 'A first start reads the file from the beginning (default) or only what is appended.') },
    create: (c) => fileTailSource(camel(c)),
  },
  {
    name: 'folder_source', role: 'source', description: 'Reads each new file in a folder once, in name order.',
    required: { path: f('string', 'The folder.') },
    optional: { ...LINES, pattern: f('string', 'Glob of the files to read, e.g. *.jsonl.'), poll_ms: f('integer', 'How often to look for new files (ms).') },
    create: (c) => folderSource(camel(c)),
  },
  {
    name: 'file_sink', role: 'sink', description: 'Appends JSON lines to a file (fsynced at each checkpoint).',
    required: { path: f('string', 'The file.') },
    optional: { format: f('string', 'jsonl.', { enum: ['jsonl'] }) },
    create: (c) => fileSink(camel(c)),
  },
  {
    name: 'kafka_source', role: 'source', description: 'A Kafka topic (kafkajs), offsets kept in checkpoints. Untested here: no broker.',
    required: { brokers: f('string[]', 'Broker addresses.'), topic: f('string', 'The topic.') },
    optional: { ...DECODE, group_id: f('string', 'Consumer group.'), client_id: f('string', 'Client id.'), from_beginning: f('boolean', 'A first start reads from the beginning.') },
    create: (c) => kafkaSource(camel(c)),
  },
  {
    name: 'kafka_sink', role: 'sink', description: 'Produces each row as a JSON message (kafkajs). Untested here: no broker.',
    required: { brokers: f('string[]', 'Broker addresses.'), topic: f('string', 'The topic.') },
    optional: { key: f('string', 'Column used as the message key.'), client_id: f('string', 'Client id.'), batch_size: f('integer', 'Rows per send.') },
    create: (c) => kafkaSink(camel(c)),
  },
];

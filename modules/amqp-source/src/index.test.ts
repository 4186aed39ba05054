import { fileURLToPath } from 'node:url';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createTestContext, outputSchemasOf, runModule } from '@pypeline/sdk/testing';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqpSource from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const run = (config: Config) => runModule(amqpSource, { config, manifest: MANIFEST });

describe('amqp_source without a broker', () => {
  it('lists every problem of the config at once', async () => {
    const { problems } = await outputSchemasOf(amqpSource, { queue: 'q', until_empty: false, format: 'text', columns: { a: 'utf8' }, routing_key_column: 'body' });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'until_empty: until_empty is false and neither max_messages nor max_seconds is set, so the read would never end',
      'columns: columns is used by format json; format text gives one column, body',
      'routing_key_column: routing_key_column "body" is also a column of the messages',
    ]);
  });

  it('knows its schema before the run when columns are declared, and says why not otherwise', async () => {
    const declared = await outputSchemasOf(amqpSource, { queue: 'q', columns: { id: 'int64', at: 'timestamp' }, routing_key_column: 'key' });
    expect(String(declared.outputs?.data)).toBe('Schema<{ 0: id: Int64, 1: at: Timestamp<MILLISECOND>, 2: key: Utf8 }>');
    const inferred = await outputSchemasOf(amqpSource, { queue: 'q' });
    expect(inferred.outputs?.data).toEqual({ unknown: expect.stringContaining('declare columns to know them before the run') });
  });

  it('names the broker and the fix when nothing listens', async () => {
    await expect(run({ url: 'amqp://127.0.0.1:1', queue: 'q', connect_timeout: 5 })).rejects.toThrow(/^cannot connect to the AMQP broker at amqp:\/\/127\.0\.0\.1:1 \(.*\): start RabbitMQ/);
  });
});

describeWithService('rabbitmq', 'amqp_source against RabbitMQ', () => {
  const { host, port } = serviceAddress('rabbitmq');
  const url = `amqp://guest:guest@${host}:${port}`;
  let connection: ChannelModel;
  let channel: Channel;
  const queues: string[] = [];
  beforeAll(async () => {
    connection = await connect(url);
    channel = await connection.createChannel();
  });
  afterAll(async () => {
    for (const q of queues) await channel.deleteQueue(q);
    await connection.close();
  });
  const ready = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  const queueWith = async (messages: unknown[], options: Parameters<Channel['assertQueue']>[1] = {}) => {
    const queue = uniqueName('pype-test-src');
    queues.push(queue);
    await channel.assertQueue(queue, options);
    for (const m of messages) channel.sendToQueue(queue, Buffer.from(typeof m === 'string' ? m : JSON.stringify(m)));
    // Published messages are counted once the broker has routed them.
    await until(async () => (await ready(queue)) >= messages.length, `${messages.length} messages on ${queue}`);
    return queue;
  };

  it('reads until the queue is empty, types columns from the values, and acknowledges what it read', async () => {
    const queue = await queueWith([{ id: 1, name: 'a', ok: true }, [{ id: 2, name: 'b', score: 2.5 }, { id: 3, ok: false }]]);
    const { outputs, ctx } = await run({ url, queue });
    expect(outputs.data.toArray().map((r) => r.toJSON())).toEqual([
      { id: 1n, name: 'a', ok: true, score: null },
      { id: 2n, name: 'b', ok: null, score: 2.5 },
      { id: 3n, name: null, ok: false, score: null },
    ]);
    expect([ctx.globals.get('row_count'), ctx.globals.get('message_count')]).toEqual([3, 2]);
    expect(await ready(queue)).toBe(0);
  });

  it('stops at max_messages and leaves the rest on the queue', async () => {
    const queue = await queueWith([1, 2, 3, 4, 5].map((n) => ({ n })));
    const { outputs } = await run({ url, queue, max_messages: 2, columns: { n: 'int64' } });
    expect(outputs.data.getChild('n')?.toArray()).toEqual(new BigInt64Array([1n, 2n]));
    expect(await ready(queue)).toBe(3);
  });

  it('reads text messages with their routing key, for a time window when until_empty is false', async () => {
    const queue = await queueWith(['hello', 'world']);
    const { outputs } = await run({ url, queue, format: 'text', routing_key_column: 'key', until_empty: false, max_seconds: 1 });
    expect(outputs.data.toArray().map((r) => r.toJSON())).toEqual([{ body: 'hello', key: queue }, { body: 'world', key: queue }]);
  });

  it('on a message its columns cannot hold, fails naming it and returns every message to the queue', async () => {
    const queue = await queueWith([{ at: '2024-01-02T03:04:05Z' }, { at: 'yesterday' }]);
    await expect(run({ url, queue, columns: { at: 'timestamp' } })).rejects.toThrow(`message 2 of queue "${queue}" column "at" (timestamp) cannot hold "yesterday": {"at":"yesterday"}`);
    await until(async () => (await ready(queue)) === 2, 'both messages back on the queue');
  });

  it('with on_error reject, dead-letters the bad message and reads on', async () => {
    const dead = await queueWith([]);
    const queue = await queueWith(['{"n": 1}', 'not json', '{"n": 2}'], { deadLetterExchange: '', deadLetterRoutingKey: dead });
    const { outputs, ctx } = await run({ url, queue, on_error: 'reject' });
    expect(outputs.data.getChild('n')?.toArray()).toEqual(new BigInt64Array([1n, 2n]));
    expect(ctx.globals.get('rejected_count')).toBe(1);
    const letter = await channel.get(dead, { noAck: true });
    expect(letter && letter.content.toString()).toBe('not json');
  });

  it('acknowledges nothing when the rows cannot be stored: every message goes back to the queue (at least once)', async () => {
    const queue = await queueWith([{ n: 1 }, { n: 2 }]);
    const ctx = createTestContext<Config>({ config: { url, queue }, manifest: MANIFEST });
    const failing = { ...ctx, artifacts: { register: async () => { throw new Error('disk full'); } } };
    await expect(amqpSource.run({}, failing)).rejects.toThrow('disk full');
    await until(async () => (await ready(queue)) === 2, 'both messages back on the queue');
  });

  it('says which queue does not exist', async () => {
    await expect(run({ url, queue: 'pype-no-such-queue' })).rejects.toThrow(/^queue "pype-no-such-queue" does not exist on amqp:\/\/guest:\*\*\*@/);
  });
}, 60_000);

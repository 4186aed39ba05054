import { fileURLToPath } from 'node:url';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { runModule, outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, serviceAddress, uniqueName } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqpSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = (n: number) => new Table({
  region: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 ? 'eu' : 'us')), new Utf8()),
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
});
const run = (config: Config, input = rows(3)) => runModule(amqpSink, { config, manifest: MANIFEST, inputs: { input } });

describe('amqp_sink without a broker', () => {
  it('lists every problem of the config at once', async () => {
    const { problems } = await outputSchemasOf(amqpSink, { exchange: '', exchange_type: 'topic', payload_column: 'idd' }, { input: rows(1).schema });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'routing_key: neither routing_key nor queue is set, so messages have no destination',
      'exchange_type: exchange_type declares the exchange named by exchange, which is the default exchange ("")',
      'payload_column: payload_column names column "idd", which the input does not have (did you mean "id"?)',
    ]);
    const bound = await outputSchemasOf(amqpSink, { exchange: 'orders', queue: 'q', routing_key: 'o.{region}' }, { input: rows(1).schema });
    expect(bound.problems?.map((p) => p.message)).toEqual(['queue "q" is bound to exchange "orders", and the routing key "o.{region}" varies by row']);
  });

  it('names the broker (without its password) and the fix when nothing listens', async () => {
    await expect(run({ url: 'amqp://guest:secret@127.0.0.1:1', queue: 'q', connect_timeout: 5 })).rejects.toThrow(/^cannot connect to the AMQP broker at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1 \(.*\): start RabbitMQ \(or another AMQP 0-9-1 broker\), or set url to where it runs$/);
  });
});

describeWithService('rabbitmq', 'amqp_sink against RabbitMQ', () => {
  const { host, port } = serviceAddress('rabbitmq');
  const url = `amqp://guest:guest@${host}:${port}`;
  let connection: ChannelModel;
  let channel: Channel;
  const queues: string[] = [];
  const exchanges: string[] = [];
  const name = (what: string, list: string[]) => {
    const n = uniqueName(`pype-test-${what}`);
    list.push(n);
    return n;
  };
  beforeAll(async () => {
    connection = await connect(url);
    channel = await connection.createChannel();
  });
  afterAll(async () => {
    for (const q of queues) await channel.deleteQueue(q);
    for (const e of exchanges) await channel.deleteExchange(e);
    await connection.close();
  });
  const drain = async (queue: string) => {
    const got: GetMessage[] = [];
    for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true })) got.push(m);
    return got;
  };

  it('declares the queue and publishes each row to it as persistent JSON, confirmed, with message ids', async () => {
    const queue = name('q', queues);
    const { ctx } = await run({ url, queue, batch_size: 2 }, rows(5));
    expect(ctx.globals.get('row_count')).toBe(5);
    const got = await drain(queue);
    expect(got.map((m) => JSON.parse(m.content.toString()))).toEqual([0, 1, 2, 3, 4].map((i) => ({ region: i % 2 ? 'eu' : 'us', id: i })));
    expect(got.map((m) => [m.properties.deliveryMode, m.properties.contentType])).toEqual(Array(5).fill([2, 'application/json']));
    expect(got[4].properties.messageId).toBe(`${ctx.runId}:test_module#0:4`);
  });

  it('routes by a routing key taken from the row through a topic exchange it declares', async () => {
    const exchange = name('x', exchanges);
    const queue = name('q', queues);
    await run({ url, exchange, exchange_type: 'topic', routing_key: 'orders.{region}', queue, binding_key: 'orders.#', payload_column: 'id' }, rows(3));
    expect((await drain(queue)).map((m) => [m.fields.routingKey, m.content.toString()])).toEqual([['orders.us', '0'], ['orders.eu', '1'], ['orders.us', '2']]);
  });

  it('fails naming the routing keys the broker could not route', async () => {
    const exchange = name('x', exchanges);
    await expect(run({ url, exchange, exchange_type: 'direct', routing_key: 'r.{region}' }, rows(2))).rejects.toThrow(`the broker could not route 2 of 2 messages: no queue is bound to exchange "${exchange}" with routing key "r.us", "r.eu"`);
    await run({ url, exchange, exchange_type: 'direct', routing_key: 'r.{region}', fail_unroutable: false }, rows(2));
  });

  it('says when the exchange does not exist, and when the login is refused', async () => {
    await expect(run({ url, exchange: uniqueName('pype-missing'), routing_key: 'k' })).rejects.toThrow(/^exchange "pype-missing.*" does not exist on amqp:\/\/guest:\*\*\*@/);
    const refused = (await run({ url: `amqp://guest:wrong@${host}:${port}`, queue: 'q' }).then(() => undefined, (e: unknown) => e)) as Error & { retryable: boolean };
    expect(refused.message).toMatch(/: check the user and password in url$/);
    expect(refused.retryable).toBe(false);
  });
}, 60_000);

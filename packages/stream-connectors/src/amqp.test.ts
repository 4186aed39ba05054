import { connectAmqp, type AmqpChannel, type AmqpConnection } from '@pypeline/brokers';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collectSink, memorySource, runStream, streamApp } from '@pypeline/stream';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { amqpSink, amqpSource } from './amqp.js';
import { opened, startStream, stateDirs } from './testing/start-stream.js';

describeWithService('rabbitmq', 'AMQP connectors against RabbitMQ', () => {
  const { host, port } = serviceAddress('rabbitmq');
  const url = `amqp://guest:guest@${host}:${port}`;
  const dirs = stateDirs('amqp');
  let connection: AmqpConnection;
  let channel: AmqpChannel;
  const queues: string[] = [];
  beforeAll(async () => {
    connection = await connectAmqp({ url }, () => {}, 'pypeline-test');
    channel = await connection.createChannel();
  });
  afterEach(dirs.clean);
  afterAll(async () => {
    for (const q of queues) await channel.deleteQueue(q);
    await connection.close();
  });
  const queue = async () => {
    const q = uniqueName('pype-stream-amqp');
    queues.push(q);
    await channel.assertQueue(q);
    return q;
  };
  const counts = async (q: string) => {
    const { messageCount } = await channel.checkQueue(q);
    return messageCount;
  };

  it('publishes each row as a confirmed JSON message, the routing key taken from the row', async () => {
    const q = await queue();
    const app = streamApp('amqp-sink');
    app.source('in', memorySource([{ to: q, v: 1 }, { to: q, v: 2 }])).to(amqpSink({ url, routingKey: '{to}' }));
    await runStream(app, { stateDir: dirs.make(), fsync: false });
    const got: unknown[] = [];
    for (let m = await channel.get(q, { noAck: true }); m; m = await channel.get(q, { noAck: true })) got.push([JSON.parse(m.content.toString()), m.properties.deliveryMode]);
    expect(got).toEqual([[{ to: q, v: 1 }, 2], [{ to: q, v: 2 }, 2]]);
  });

  it('consumes a queue, acknowledging at the checkpoint; a restart gets only what came since', async () => {
    const q = await queue();
    const dir = dirs.make();
    const read = async (want: number) => {
      const sink = collectSink();
      const source = amqpSource({ url, queue: q, routingKeyColumn: 'key', schema: { n: 'int64' } });
      const app = streamApp('amqp-source');
      app.source('in', source).to(sink);
      const ready = opened(source);
      const run = startStream(app, dir);
      await ready;
      return { sink, run, done: () => until(() => sink.rows.length >= want, `${want} rows`, 30_000) };
    };
    for (const n of [1, 2, 3]) channel.sendToQueue(q, Buffer.from(JSON.stringify({ n })));
    const first = await read(3);
    await first.done();
    expect((await first.run.stop()).reason).toBe('stopped');
    expect(first.sink.rows).toEqual([1, 2, 3].map((n) => ({ n, key: q })));
    // The final checkpoint acknowledged them: nothing is left or returned to the queue.
    await until(async () => (await counts(q)) === 0, 'an empty queue');

    channel.sendToQueue(q, Buffer.from(JSON.stringify({ n: 4 })));
    const second = await read(1);
    await second.done();
    await second.run.stop();
    expect(second.sink.rows).toEqual([{ n: 4, key: q }]);
  });

  it('says which queue does not exist', async () => {
    const app = streamApp('amqp-missing');
    app.source('in', amqpSource({ url, queue: 'pype-no-such-queue' })).to(collectSink());
    await expect(runStream(app, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(/queue "pype-no-such-queue" does not exist on amqp:\/\/guest:\*\*\*@/);
  });
}, 60_000);

import { connect, connectAsync, type IPublishPacket, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collectSink, LmdbStateStore, memorySource, runStream, streamApp, type IntakeLog, type StreamSink } from '@pypeline/stream';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { mqttSink, mqttSource, type MqttIntakeRecord } from './mqtt.js';
import { opened, startStream, stateDirs } from './testing/start-stream.js';

describeWithService('mqtt', 'MQTT connectors against Mosquitto', () => {
  const { host, port } = serviceAddress('mqtt');
  const url = `mqtt://${host}:${port}`;
  const dirs = stateDirs('mqtt');
  const sessions: string[] = [];
  let pub: MqttClient;
  beforeAll(async () => {
    pub = await connectAsync(url, { clientId: uniqueName('pype-test-pub') });
  });
  afterEach(dirs.clean);
  afterAll(async () => {
    await pub.endAsync();
    // Drop the persistent sessions the tests created.
    for (const clientId of sessions) await (await connectAsync(url, { clientId, clean: true })).endAsync();
  });

  const session = () => {
    const id = uniqueName('pype-test');
    sessions.push(id);
    return id;
  };
  const send = (topic: string, value: unknown) => pub.publishAsync(topic, JSON.stringify(value), { qos: 1 });
  const reading = (base: string, clientId: string, sink: StreamSink) => {
    const source = mqttSource({ url, topic: `${base}/#`, clientId, topicColumn: 'topic', schema: { n: 'int64' } });
    const app = streamApp('mqtt-test');
    app.source('in', source).to(sink);
    return { app, source, ready: opened(source) };
  };
  /** Runs the app over `dir`, publishes with `publish` once it subscribed, and stops it once `rows` rows arrived (and `settleMs` more). */
  const runUntil = async (base: string, clientId: string, dir: string, rows: number, publish: () => Promise<unknown>, settleMs = 0) => {
    const sink = collectSink();
    const r = reading(base, clientId, sink);
    const run = startStream(r.app, dir);
    await r.ready;
    await publish();
    await until(() => sink.rows.length >= rows, `${rows} rows`);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return { ns: sink.rows.map((row) => row.n), result: await run.stop() };
  };

  it('reads JSON messages from several wildcard topics, with the topic column', async () => {
    const base = `pype-test/${uniqueName('read')}`;
    const sink = collectSink();
    const source = mqttSource({ url, topic: [`${base}/a/+`, `${base}/b/#`], clientId: session(), topicColumn: 'topic', schema: { sensor: 'string', value: 'float64' } });
    expect(source.describe?.()).toBe(`${url} ${base}/a/+,${base}/b/#`);
    const app = streamApp('mqtt-read');
    app.source('in', source).to(sink);
    const ready = opened(source);
    const run = startStream(app, dirs.make());
    await ready;
    await send(`${base}/a/1`, { sensor: 's1', value: 1.5 });
    await send(`${base}/b/x/y`, [{ sensor: 's2', value: 2 }, { sensor: 's3', value: 3 }]);
    await send(`${base}/c`, { sensor: 'not subscribed', value: 0 });
    await until(() => sink.rows.length >= 3, '3 rows');
    expect((await run.stop()).reason).toBe('stopped');
    expect(sink.rows).toEqual([
      { sensor: 's1', value: 1.5, topic: `${base}/a/1` },
      { sensor: 's2', value: 2, topic: `${base}/b/x/y` },
      { sensor: 's3', value: 3, topic: `${base}/b/x/y` },
    ]);
  });

  it('after a restart, gets the messages published while stopped (persistent session) and none already checkpointed', async () => {
    const base = `pype-test/${uniqueName('restart')}`;
    const clientId = session();
    const dir = dirs.make();
    const first = await runUntil(base, clientId, dir, 2, async () => {
      for (const n of [1, 2]) await send(`${base}/t`, { n });
    });
    expect(first.result.checkpoints).toBe(1);

    for (const n of [3, 4]) await send(`${base}/t`, { n }); // nobody is connected
    const second = await runUntil(base, clientId, dir, 3, () => send(`${base}/t`, { n: 5 }));
    expect(second.result.restoredFrom).toBe(1);
    expect(first.ns).toEqual([1, 2]);
    expect(second.ns).toEqual([3, 4, 5]);
  });

  it('replays messages that were logged and acknowledged but not checkpointed when the app failed', async () => {
    const base = `pype-test/${uniqueName('replay')}`;
    const clientId = session();
    const dir = dirs.make();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let seen = 0;
    const failing: StreamSink = {
      kind: 'failing', open() {}, flush() {}, close() {},
      async write(batch) {
        seen += batch.numRows;
        await released;
        throw new Error('sink down');
      },
    };
    const a = reading(base, clientId, failing);
    const run1 = startStream(a.app, dir);
    await a.ready;
    await send(`${base}/t`, { n: 1 });
    await until(() => seen > 0, 'the first batch, stuck in the sink');
    await send(`${base}/t`, { n: 2 });
    await send(`${base}/t`, { n: 3 });
    await until(() => a.source.lag?.() === 3 - seen, 'the other messages in the intake log');
    release();
    await expect(run1.result).rejects.toThrow('sink down');

    // The broker has nothing left to deliver (every message was acknowledged): all three come from the intake log.
    const second = collectSink();
    const b = reading(base, clientId, second);
    const run2 = startStream(b.app, dir);
    await b.ready;
    await until(() => second.rows.length >= 3, '3 replayed rows');
    await send(`${base}/t`, { n: 4 });
    await until(() => second.rows.length >= 4, 'row 4');
    const result = await run2.stop();
    expect(result.restoredFrom).toBeUndefined();
    expect(second.rows.map((r) => r.n)).toEqual([1, 2, 3, 4]);
  });

  it('acknowledges a burst of messages, logged in groups, each once and in order', async () => {
    const base = `pype-test/${uniqueName('burst')}`;
    const clientId = session();
    const dir = dirs.make();
    const first = await runUntil(base, clientId, dir, 300, () => Promise.all(Array.from({ length: 300 }, (_, n) => send(`${base}/t`, { n }))));
    expect(first.ns).toEqual(Array.from({ length: 300 }, (_, n) => n));

    // Every message was acknowledged: the broker redelivers none of them to the next run
    // (a redelivery would come before the new message; 300 ms more for any stragglers).
    const second = await runUntil(base, clientId, dir, 1, () => send(`${base}/t`, { n: 300 }), 300);
    expect(second.ns).toEqual([300]);
  });

  it('does not acknowledge a message it could not log: the broker delivers it again to the next run', async () => {
    const base = `pype-test/${uniqueName('unlogged')}`;
    const clientId = session();
    const store = new LmdbStateStore(dirs.make(), { fsync: false });
    const log = store.intake('in');
    const full: IntakeLog = {
      append: () => { throw new Error('MDB_MAP_FULL'); },
      read: (after, limit) => log.read(after, limit), lastSeq: () => log.lastSeq(), skipTo: (seq) => log.skipTo(seq), waitFor: (after, signal) => log.waitFor(after, signal),
    };
    const source = mqttSource({ url, topic: `${base}/#`, clientId, schema: { n: 'int64' } });
    const stop = new AbortController();
    await source.open({ id: 'in', position: undefined, signal: stop.signal, log: () => {}, intake: () => full, setPosition: () => {} });
    const batches = source.batches()[Symbol.asyncIterator]();
    await send(`${base}/t`, { n: 1 });
    await expect(batches.next()).rejects.toThrow(/could not log received messages, so they were not acknowledged: MDB_MAP_FULL/);
    await source.close();
    await store.close();

    const sink = collectSink();
    const b = reading(base, clientId, sink);
    const run = startStream(b.app, dirs.make());
    await b.ready;
    await until(() => sink.rows.length >= 1, 'row 1, delivered again');
    await run.stop();
    expect(sink.rows.map((r) => r.n)).toEqual([1]);
  });

  it('does not log twice a message the broker redelivers because its acknowledgement was lost', async () => {
    const base = `pype-test/${uniqueName('dup')}`;
    const clientId = session();
    const dir = dirs.make();
    // A client under the same session receives the message and dies before acknowledging it.
    const raw = connect(url, { clientId, clean: false, protocolVersion: 4, manualConnect: true });
    const delivered = new Promise<IPublishPacket>((resolve) => (raw.handleMessage = (packet) => resolve(packet)));
    raw.connect();
    await raw.subscribeAsync(`${base}/#`, { qos: 1 });
    await send(`${base}/t`, { n: 1 });
    const packet = await delivered;
    await raw.endAsync(true);
    // ...after appending it to the intake log, as the source does before acknowledging.
    const store = new LmdbStateStore(dir, { fsync: false });
    const record: MqttIntakeRecord = { t: packet.topic, p: Buffer.from(packet.payload), m: packet.messageId };
    store.intake('in').append([record]);
    await store.close();

    const sink = collectSink();
    const b = reading(base, clientId, sink);
    const run = startStream(b.app, dir);
    await b.ready;
    await send(`${base}/t`, { n: 2 }); // queued behind the redelivery
    await until(() => sink.rows.some((r) => r.n === 2), 'row 2');
    await run.stop();
    expect(sink.rows.map((r) => r.n)).toEqual([1, 2]);
  });

  it('publishes each row as JSON to a topic built from the row', async () => {
    const base = `pype-test/${uniqueName('sink')}`;
    const got: Array<[string, string]> = [];
    const sub = await connectAsync(url, { clientId: uniqueName('pype-test-sub') });
    sub.on('message', (topic, payload) => got.push([topic, payload.toString()]));
    await sub.subscribeAsync(`${base}/#`, { qos: 1 });
    const app = streamApp('mqtt-sink');
    const sink = mqttSink({ url, topic: `${base}/{site}` });
    expect(sink.describe?.()).toBe(`${url} ${base}/{site}`);
    app.source('in', memorySource([{ site: 'north', v: 1 }, { site: 'south', v: 2 }, { site: 'north', v: 3 }])).to(sink);
    const result = await runStream(app, { stateDir: dirs.make(), fsync: false });
    expect(result.reason).toBe('ended');
    await until(() => got.length >= 3, '3 messages');
    await sub.endAsync();
    expect(got).toEqual([
      [`${base}/north`, '{"site":"north","v":1}'],
      [`${base}/south`, '{"site":"south","v":2}'],
      [`${base}/north`, '{"site":"north","v":3}'],
    ]);
  });

  it('says which broker is down and how to fix it', async () => {
    const app = streamApp('mqtt-down');
    app.source('in', mqttSource({ url: 'mqtt://127.0.0.1:1', topic: 'x/#', clientId: 'pype-test-down' })).to(collectSink());
    await expect(runStream(app, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(
      /source "in" \(mqtt:\/\/127\.0\.0\.1:1 x\/#\) could not open: cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\): start Mosquitto/,
    );
  });

  it('requires a fixed clientId and says why', () => {
    expect(() => mqttSource({ url, topic: 'x/#' } as never)).toThrow(/clientId is required: the broker keeps a persistent session/);
  });
}, 90_000);

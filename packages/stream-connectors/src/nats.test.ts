import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { collectSink, memorySource, runStream, streamApp, type StreamSink } from '@pypeline/stream';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { natsJetStreamSource, natsSink, type NatsJetStreamSourceOptions } from './nats.js';
import { opened, startStream, stateDirs } from './testing/start-stream.js';

describeWithService('nats', 'NATS connectors against nats-server with JetStream', () => {
  const { host, port } = serviceAddress('nats');
  const servers = `${host}:${port}`;
  const dirs = stateDirs('nats');
  const streams: string[] = [];
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    nc = await connect({ servers });
    jsm = await nc.jetstreamManager();
  });
  afterEach(async () => {
    dirs.clean();
    for (const s of streams.splice(0)) await jsm.streams.delete(s);
  });
  afterAll(() => nc.close());

  /** A fresh stream storing `<prefix>.>`. */
  const makeStream = async () => {
    const id = uniqueName('t');
    const stream = `PYPE_TEST_${id}`;
    streams.push(stream);
    await jsm.streams.add({ name: stream, subjects: [`pype.${id}.>`] });
    return { stream, prefix: `pype.${id}` };
  };
  const send = (subject: string, value: unknown) => nc.jetstream().publish(subject, JSON.stringify(value));
  const reading = (options: Omit<NatsJetStreamSourceOptions, 'servers'>, sink: StreamSink) => {
    const source = natsJetStreamSource({ servers, schema: { n: 'int64' }, ...options });
    const app = streamApp('nats-test');
    app.source('in', source).to(sink);
    return { app, source, ready: opened(source) };
  };

  it('reads a stream from its first message, filtered by subject, with the subject column and lag', async () => {
    const { stream, prefix } = await makeStream();
    for (const n of [1, 2, 3]) await send(`${prefix}.a.${n}`, { n });
    await send(`${prefix}.b`, { n: 99 });
    const sink = collectSink();
    const r = reading({ stream, subject: `${prefix}.a.*`, subjectColumn: 'subject' }, sink);
    expect(r.source.describe?.()).toBe(`nats://${servers} ${stream} ${prefix}.a.*`);
    const run = startStream(r.app, dirs.make());
    await until(() => sink.rows.length >= 3, '3 rows');
    expect(await r.source.lag?.()).toBe(0);
    await run.stop();
    expect(sink.rows).toEqual([1, 2, 3].map((n) => ({ n, subject: `${prefix}.a.${n}` })));
  });

  it('after a restart, resumes after the checkpointed stream sequence', async () => {
    const { stream, prefix } = await makeStream();
    const dir = dirs.make();
    for (const n of [1, 2, 3]) await send(`${prefix}.x`, { n });
    const first = collectSink();
    const a = reading({ stream, batchSize: 2 }, first);
    const run1 = startStream(a.app, dir);
    await until(() => first.rows.length >= 3, 'the first 3 rows');
    expect((await run1.stop()).checkpoints).toBe(1);

    for (const n of [4, 5]) await send(`${prefix}.x`, { n });
    const second = collectSink();
    const b = reading({ stream }, second);
    const run2 = startStream(b.app, dir);
    await b.ready;
    await send(`${prefix}.x`, { n: 6 });
    await until(() => second.rows.length >= 3, 'rows 4 to 6');
    expect((await run2.stop()).restoredFrom).toBe(1);
    expect(first.rows.map((r) => r.n)).toEqual([1, 2, 3]);
    expect(second.rows.map((r) => r.n)).toEqual([4, 5, 6]);
  });

  it("with startAt: 'new', skips what the stream held before the first start", async () => {
    const { stream, prefix } = await makeStream();
    await send(`${prefix}.x`, { n: 1 });
    const sink = collectSink();
    const r = reading({ stream, startAt: 'new' }, sink);
    const run = startStream(r.app, dirs.make());
    await r.ready;
    await send(`${prefix}.x`, { n: 2 });
    await until(() => sink.rows.length >= 1, 'row 2');
    await run.stop();
    expect(sink.rows.map((x) => x.n)).toEqual([2]);
  });

  it('publishes rows through JetStream, and a replay with msgId is deduplicated by the stream', async () => {
    const { stream, prefix } = await makeStream();
    const rows = [{ id: 'a', v: 1 }, { id: 'b', v: 2 }];
    for (let run = 0; run < 2; run++) {
      const app = streamApp('nats-sink');
      app.source('in', memorySource(rows)).to(natsSink({ servers, subject: `${prefix}.out`, jetstream: true, msgId: 'id' }));
      expect((await runStream(app, { stateDir: dirs.make(), fsync: false })).reason).toBe('ended');
    }
    const info = await jsm.streams.info(stream);
    expect(info.state.messages).toBe(2);
    expect(new TextDecoder().decode((await jsm.streams.getMessage(stream, { seq: 2 })).data)).toBe('{"id":"b","v":2}');
  });

  it('publishes rows on core NATS to subjects built from the row', async () => {
    const prefix = `pype.${uniqueName('core')}`;
    const got: string[] = [];
    const sub = nc.subscribe(`${prefix}.>`, { callback: (_e, m) => got.push(`${m.subject} ${m.string()}`) });
    await nc.flush();
    const app = streamApp('nats-core');
    app.source('in', memorySource([{ site: 'n', v: 1 }, { site: 's', v: 2 }])).to(natsSink({ servers, subject: `${prefix}.{site}` }));
    await runStream(app, { stateDir: dirs.make(), fsync: false });
    await until(() => got.length >= 2, '2 messages');
    sub.unsubscribe();
    expect(got).toEqual([`${prefix}.n {"site":"n","v":1}`, `${prefix}.s {"site":"s","v":2}`]);
  });

  it('explains a server that is down, a missing stream, and a subject no stream stores', async () => {
    const down = streamApp('nats-down');
    down.source('in', natsJetStreamSource({ servers: '127.0.0.1:1', stream: 'S' })).to(collectSink());
    await expect(runStream(down, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(
      'source "in" (nats://127.0.0.1:1 S) could not open: cannot connect to NATS at 127.0.0.1:1 (CONNECTION_REFUSED): start nats-server (with -js for JetStream), or set servers to where it runs',
    );
    const missing = streamApp('nats-missing');
    missing.source('in', natsJetStreamSource({ servers, stream: 'PYPE_TEST_NO_SUCH_STREAM' })).to(collectSink());
    await expect(runStream(missing, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(/stream "PYPE_TEST_NO_SUCH_STREAM" does not exist on .*: create it/);
    const nowhere = streamApp('nats-nowhere');
    nowhere.source('in', memorySource([{ v: 1 }])).to(natsSink({ servers, subject: `pype.${uniqueName('none')}`, jetstream: true }));
    await expect(runStream(nowhere, { stateDir: dirs.make(), fsync: false })).rejects.toThrow(/no JetStream stream stores subject "pype\.none_.*": add the subject to a stream, or set jetstream: false/);
  });
}, 90_000);

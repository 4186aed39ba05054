import { fileURLToPath } from 'node:url';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { runModule, outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import natsSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = (n: number) => new Table({
  region: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 ? 'eu' : 'us')), new Utf8()),
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
});
const run = (config: Config, input = rows(3), runId?: string) => runModule(natsSink, { config, manifest: MANIFEST, inputs: { input }, runId });

describe('nats_sink without a server', () => {
  it('lists every problem of the config at once', async () => {
    const { problems } = await outputSchemasOf(natsSink, { subject: 'o.{regio}', msg_id: 'idd', jetstream: false }, { input: rows(1).schema });
    expect(problems?.map((p) => `${p.key.join('.')}: ${p.message}`)).toEqual([
      'msg_id: msg_id is used by JetStream only; core NATS has no message ids',
      'subject: subject names column "regio", which the input does not have (did you mean "region"?)',
      'msg_id: msg_id names column "idd", which the input does not have (did you mean "id"?)',
    ]);
  });

  it('names the server and the fix when nothing listens', async () => {
    await expect(run({ servers: ['127.0.0.1:1'], subject: 's' })).rejects.toThrow(/^cannot connect to NATS at 127\.0\.0\.1:1 \(.*\): start nats-server \(with -js for JetStream\), or set servers to where it runs$/);
  });
});

describeWithService('nats', 'nats_sink against nats-server', () => {
  const { host, port } = serviceAddress('nats');
  const servers = [`${host}:${port}`];
  let nc: NatsConnection;
  const streams: string[] = [];
  beforeAll(async () => {
    nc = await connect({ servers });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });

  const collect = (sub: Subscription) => {
    const got: { subject: string; data: string }[] = [];
    void (async () => {
      for await (const m of sub) got.push({ subject: m.subject, data: m.string() });
    })();
    return got;
  };

  it('publishes each row on core NATS, the subject taken from the row, flushed before it returns', async () => {
    const base = uniqueName('pype_core');
    const got = collect(nc.subscribe(`${base}.>`));
    await nc.flush();
    const { ctx } = await run({ servers, subject: `${base}.{region}`, batch_size: 2 }, rows(5));
    expect(ctx.globals.get('row_count')).toBe(5);
    await until(() => got.length >= 5, '5 messages', 30_000);
    expect(got.map((m) => [m.subject, JSON.parse(m.data)])).toEqual([0, 1, 2, 3, 4].map((i) => [`${base}.${i % 2 ? 'eu' : 'us'}`, { region: i % 2 ? 'eu' : 'us', id: i }]));
  });

  it('publishes through JetStream with acknowledgements, and a rerun of the same run adds no copies', async () => {
    const stream = uniqueName('PYPE_SINK');
    streams.push(stream);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const runId = uniqueName('run');
    await run({ servers, subject: `${stream}.{region}`, jetstream: true, payload_column: 'id' }, rows(4), runId);
    await run({ servers, subject: `${stream}.{region}`, jetstream: true, payload_column: 'id' }, rows(4), runId);
    const info = await jsm.streams.info(stream);
    expect(info.state.messages).toBe(4);
    const first = await jsm.streams.getMessage(stream, { seq: 1 });
    expect([first.subject, first.string(), first.header.get('Nats-Msg-Id')]).toEqual([`${stream}.us`, '0', `${runId}:test_module#0:0`]);
  });

  it('fails with the fix when no stream stores the subject', async () => {
    await expect(run({ servers, subject: `${uniqueName('nostream')}.x`, jetstream: true })).rejects.toThrow(/no JetStream stream stores subject/);
  });
}, 60_000);

import { fileURLToPath } from 'node:url';
import { Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { connectAsync, type MqttClient } from 'mqtt';
import { runModule, outputSchemasOf } from '@pypeline/sdk/testing';
import { describeWithService, serviceAddress, uniqueName, until } from '@pypeline/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqttSink from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const rows = (n: number) => new Table({
  site: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 2 ? 'south' : 'north')), new Utf8()),
  id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
});
const run = (config: Config, input = rows(3)) => runModule(mqttSink, { config, manifest: MANIFEST, inputs: { input } });

describe('mqtt_sink without a broker', () => {
  it('lists every column the config names that the input lacks, before the run and at it', async () => {
    const config = { topic: 'a/{sit}/{idd}', payload_column: 'nope' };
    const { problems } = await outputSchemasOf(mqttSink, config, { input: rows(1).schema });
    expect(problems?.map((p) => p.message)).toEqual([
      'topic names column "sit", which the input does not have (did you mean "site"?)',
      'topic names column "idd", which the input does not have (did you mean "id"?)',
      'payload_column names column "nope", which the input does not have',
    ]);
    await expect(run({ ...config, url: 'mqtt://127.0.0.1:1' })).rejects.toThrow(/^mqtt_sink \(test_module\): topic: topic names column "sit".*; topic: .*"idd".*; payload_column: .*"nope"/);
  });

  it('names the broker and the fix when nothing listens', async () => {
    await expect(run({ url: 'mqtt://127.0.0.1:1', topic: 't', connect_timeout: 5 })).rejects.toThrow(/^cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(.*\): start Mosquitto \(or another MQTT broker\), or set url to where it runs$/);
  });
});

describeWithService('mqtt', 'mqtt_sink against Mosquitto', () => {
  const { host, port } = serviceAddress('mqtt');
  const url = `mqtt://${host}:${port}`;
  let sub: MqttClient;
  const got: { topic: string; payload: string; qos: number }[] = [];
  beforeAll(async () => {
    sub = await connectAsync(url, { clientId: uniqueName('pype-test-sub') });
    sub.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }));
  });
  afterAll(() => sub.endAsync());

  const received = async (base: string, n: number) => {
    await until(() => got.filter((m) => m.topic.startsWith(base)).length >= n, `${n} messages under ${base}`, 30_000);
    return got.filter((m) => m.topic.startsWith(base));
  };

  it('publishes each row as JSON at QoS 1, the topic taken from the row, in groups of batch_size', async () => {
    const base = `pype-test/${uniqueName('rows')}`;
    await sub.subscribeAsync(`${base}/#`, { qos: 1 });
    const { ctx } = await run({ url, topic: `${base}/{site}`, batch_size: 2 }, rows(5));
    expect(ctx.globals.get('row_count')).toBe(5);
    const messages = await received(base, 5);
    expect(messages.map((m) => [m.topic, JSON.parse(m.payload)])).toEqual([0, 1, 2, 3, 4].map((i) => [`${base}/${i % 2 ? 'south' : 'north'}`, { site: i % 2 ? 'south' : 'north', id: i }]));
    expect(messages.every((m) => m.qos === 1)).toBe(true);
  });

  it('publishes one column as the payload, retained', async () => {
    const base = `pype-test/${uniqueName('retain')}`;
    await run({ url, topic: `${base}/last`, payload_column: 'site', retain: true }, rows(2));
    // A subscriber that comes later still gets the last message of the topic.
    const late = await connectAsync(url, { clientId: uniqueName('pype-test-late') });
    const seen: string[] = [];
    late.on('message', (_t, payload) => seen.push(payload.toString()));
    await late.subscribeAsync(`${base}/last`, { qos: 1 });
    await until(() => seen.length >= 1, 'the retained message', 30_000);
    expect(seen[0]).toBe('south');
    await late.publishAsync(`${base}/last`, '', { retain: true, qos: 1 }); // clears it
    await late.endAsync();
  });
}, 60_000);

// End to end through the real CLI: a batch flow publishes a CSV's rows to RabbitMQ (amqp_sink)
// and MQTT (mqtt_sink, topic from the row), another reads the queue back (amqp_source, bounded by
// the queue running empty, acknowledged once stored) into JSON lines; bad configs are listed at
// once with their lines, and a broker that is down fails the run with its address and the fix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAmqp } from '@pypeline/brokers';
import { describeWithService, serviceAddress, uniqueName } from '@pypeline/test-services';
import { afterAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');

function pype(args: string[]) {
  // The timeout ends a hung child: spawnSync blocks this process, so vitest's timeout could not.
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const flow = (name: string, modules: string, data: string[]) => `flow:\n  name: ${name}\n  version: 1.0.0\nmodules:\n${modules}\nconnections:\n  data:\n${data.map((d) => `    - "${d}"`).join('\n')}\n`;

describeWithService('rabbitmq', 'batch flows through RabbitMQ and MQTT', () => {
  const { host, port } = serviceAddress('rabbitmq');
  const mqtt = serviceAddress('mqtt');
  const url = `amqp://guest:guest@${host}:${port}`;
  const queue = uniqueName('pype-e2e-orders');
  const dir = mkdtempSync(join(tmpdir(), 'pype-brokers-e2e-'));
  const csv = join(dir, 'orders.csv');
  writeFileSync(csv, 'id,region,total\n1,us,10.5\n2,eu,20\n3,us,7.25\n');
  const source = `  - id: orders\n    name: csv_source\n    configs:\n      required: { file_path: "${csv}" }`;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  afterAll(async () => {
    const connection = await connectAmqp({ url }, () => {});
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await connection.close();
  });

  it('publishes rows to a queue, reads them back once, and acknowledges them', () => {
    const publish = file('publish.yaml', flow('publish_orders', `${source}
  - id: publish
    name: amqp_sink
    configs:
      optional: { url: "${url}", queue: ${queue} }
  - id: to_mqtt
    name: mqtt_sink
    configs:
      required: { topic: "pype-e2e/${queue}/{region}" }
      optional: { url: "mqtt://${mqtt.host}:${mqtt.port}" }`, ['orders.data - publish.input', 'orders.data - to_mqtt.input']));
    const out = join(dir, 'out.jsonl');
    const read = file('read.yaml', flow('read_orders', `  - id: read
    name: amqp_source
    configs:
      required: { queue: ${queue} }
      optional: { url: "${url}", columns: { id: int64, region: utf8, total: float64 } }
  - id: save
    name: json_sink
    configs:
      required: { output_path: "${out}" }`, ['read.data - save.input']));

    const published = pype(['run', publish]);
    expect(published.code, published.stdout + published.stderr).toBe(0);
    const first = pype(['run', read]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('{"id":1,"region":"us","total":10.5}\n{"id":2,"region":"eu","total":20.0}\n{"id":3,"region":"us","total":7.25}\n');
    // The first read acknowledged every message: a second finds the queue empty.
    const second = pype(['run', read]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('');
  }, 180_000);

  it('lists every bad column and option of a broker sink at once, with its line', () => {
    const bad = file('bad.yaml', flow('bad_publish', `${source}
  - id: publish
    name: amqp_sink
    configs:
      optional:
        routing_key: "orders.{regoin}"
        payload_column: totl
        exchange_type: topic`, ['orders.data - publish.input']));
    const r = pype(['validate', bad]);
    expect(r.code).toBe(1);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/bad\.yaml:13:\d+ error at modules\[1\]\.configs\.optional\.routing_key: .*routing_key names column "regoin", which the input does not have \(did you mean "region"\?\)/);
    expect(text).toMatch(/bad\.yaml:14:\d+ error at .*payload_column names column "totl".*\(did you mean "total"\?\)/);
    expect(text).toMatch(/bad\.yaml:15:\d+ error at .*exchange_type declares the exchange named by exchange, which is the default exchange/);
    expect(text).toContain('3 problems found');
  }, 180_000);

  it('fails a run whose broker is down naming its address and the fix, without a stack trace', () => {
    const down = file('down.yaml', flow('publish_down', `${source}
  - id: to_mqtt
    name: mqtt_sink
    configs:
      required: { topic: orders }
      optional: { url: "mqtt://127.0.0.1:1" }`, ['orders.data - to_mqtt.input']));
    const r = pype(['run', down]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('cannot connect to the MQTT broker at mqtt://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1): start Mosquitto (or another MQTT broker), or set url to where it runs');
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  }, 180_000);
});

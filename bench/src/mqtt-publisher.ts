// The broker bench's MQTT publisher, in its own process so its CPU is not the reader's:
// `node mqtt-publisher.js <url> <topic> <events> <t0>` publishes the events at QoS 1 and exits.
import mqtt from 'mqtt';
import { eventJson } from './broker-bench.js';

const [url, topic, events, t0] = process.argv.slice(2);
const client = await mqtt.connectAsync(url, { clean: true });
const n = Number(events);
// QoS 1 with a bounded window of unacknowledged messages, so the broker's queue for the reader
// (Mosquitto: max_queued_messages, 1000 by default) is not flooded faster than it drains.
const inFlight = new Set<Promise<unknown>>();
for (let i = 0; i < n; i++) {
  const p: Promise<unknown> = client.publishAsync(topic, eventJson(i, Number(t0)), { qos: 1 }).finally(() => inFlight.delete(p));
  inFlight.add(p);
  if (inFlight.size >= 100) await Promise.race(inFlight);
}
await Promise.all(inFlight);
await client.endAsync();

import type { MqttClient } from 'mqtt';
import { brokerSink, connectMqtt, PUBLISH_DEFAULTS, safeUrl } from '@pypeline/brokers';
import { defineModule } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { mqttSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>(brokerSink<Config, Resolved, MqttClient>({
  name: 'mqtt_sink',
  description: 'Publishes each row to an MQTT broker as JSON (or one column as payload), topic templated from row values; waits for the broker\'s acknowledgements at QoS 1 and 2',
  defaults: DEFAULTS,
  schemas: mqttSinkSchemas,
  target: (c) => ({ key: 'topic', value: c.topic }),
  open(c, log) {
    const clientId = c.client_id ?? `pype-sink-${Math.random().toString(36).slice(2, 10)}`;
    return connectMqtt({ url: c.url, username: c.username, password: c.password, connectTimeoutMs: c.connect_timeout * 1000 }, { clientId, clean: true }, log);
  },
  // mqtt.js resolves a QoS 1/2 publish when the broker acknowledged it, a QoS 0 one when it is written to the socket.
  async publish(client, { targets, payloads }, _rows, _first, c) {
    await Promise.all(payloads.map((payload, i) => client.publishAsync(targets[i], payload, { qos: c.qos, retain: c.retain })));
  },
  // A graceful end lets QoS 0 messages still in the socket go out; after a failure there is nothing to wait for.
  close: (client, failed) => client.endAsync(failed).then(() => {}, () => {}),
  check: async (c) => `the MQTT broker at ${safeUrl(c.url)} accepts the connection`,
  logFields: (c) => ({ broker: safeUrl(c.url), topic: c.topic, qos: c.qos }),
}));

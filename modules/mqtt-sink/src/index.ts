import type { MqttClient } from 'mqtt';
import { assertPublishConfig, connectMqtt, moduleLog, PUBLISH_DEFAULTS, publishRows, safeUrl } from '@pypeline/brokers';
import { defineModule, requireInput } from '@pypeline/sdk';
import { DEFAULTS, type Config } from './config.js';
import { mqttSinkSchemas } from './output-schemas.js';

export type { Config } from './config.js';

type Resolved = Config & Required<Pick<Config, keyof typeof DEFAULTS | keyof typeof PUBLISH_DEFAULTS>>;

export default defineModule<Config>({
  name: 'mqtt_sink',
  type: 'sink',
  description: 'Publishes each row to an MQTT broker as JSON (or one column as payload), topic templated from row values; waits for the broker\'s acknowledgements at QoS 1 and 2',
  category: 'Message Sinks',
  inputPorts: ['input'],
  globals: ['row_count'],
  outputSchemas: mqttSinkSchemas,
  async check({ config }) {
    const c: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...config };
    const client = await connect(c, () => {});
    await client.endAsync();
    return `the MQTT broker at ${safeUrl(c.url)} accepts the connection`;
  },
  async run(inputs, ctx) {
    const config: Resolved = { ...DEFAULTS, ...PUBLISH_DEFAULTS, ...ctx.config };
    const input = requireInput(inputs, 'input', 'mqtt_sink', 'connect a data edge to it, e.g. "source.data - publish.input"');
    const where = `mqtt_sink (${ctx.moduleId})`;
    assertPublishConfig(mqttSinkSchemas, where, config, input.schema, ctx);
    const client = await connect(config, moduleLog(ctx.logger));
    const publish = { qos: config.qos, retain: config.retain } as const;
    let rows: number;
    let failed = true;
    try {
      // mqtt.js resolves a QoS 1/2 publish when the broker acknowledged it, a QoS 0 one when it is written to the socket.
      rows = await publishRows(input, { where, targetKey: 'topic', target: config.topic, payloadColumn: config.payload_column, batchSize: config.batch_size, signal: ctx.signal }, async ({ targets, payloads }) => {
        await Promise.all(payloads.map((payload, i) => client.publishAsync(targets[i], payload, publish)));
      });
      failed = false;
    } finally {
      // A graceful end lets QoS 0 messages still in the socket go out; after a failure there is nothing to wait for.
      await client.endAsync(failed).catch(() => {});
    }
    ctx.setGlobal('row_count', rows);
    ctx.logger.info('published rows', { broker: safeUrl(config.url), topic: config.topic, rows, qos: config.qos });
  },
});

function connect(config: Resolved, log: Parameters<typeof connectMqtt>[2]): Promise<MqttClient> {
  const clientId = config.client_id ?? `pype-sink-${Math.random().toString(36).slice(2, 10)}`;
  return connectMqtt({ url: config.url, username: config.username, password: config.password, connectTimeoutMs: config.connect_timeout * 1000 }, { clientId, clean: true }, log);
}

// A stream app: sensor readings from MQTT, counted per sensor in 1-second event-time windows,
// written to PostgreSQL exactly once; late readings are printed. Its YAML twin,
// sensor_counts.yaml, builds the same topology. From the repository root:
//   pnpm pype run examples/stream/sensor_counts.ts             (Ctrl-C stops it cleanly)
//   pnpm pype run examples/stream/simulate_sensors.ts          (in another terminal: readings)
//   pnpm pype inspect examples/stream/sensor_counts.ts         (the live topology)
// Readings are JSON on sensors/<anything>: {"sensor":"s1","value":21.5,"ts":"2026-11-22T10:00:00.250Z"}.
// Settings come from the environment (defaults: the local services).
import filterMod from '@pypeline/mod-filter-mod';
import { avg, consoleSink, count, streamApp, tumbling } from '@pypeline/stream';
import { mqttSource, postgresSink } from '@pypeline/stream-connectors';

const env = process.env;
const app = streamApp(env.SENSOR_APP ?? 'sensor_counts', { checkpointInterval: env.CHECKPOINT_INTERVAL ?? '5s' });

const readings = app.source('readings', mqttSource({
  url: env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  topic: env.MQTT_TOPIC ?? 'sensors/#',
  clientId: env.MQTT_CLIENT_ID ?? 'pypeline-sensor-counts',
  schema: { sensor: 'string', value: 'float64', ts: 'timestamp' },
}), {
  eventTime: 'ts',
  maxOutOfOrder: env.MAX_OUT_OF_ORDER ?? '2s',
  // Readings carry wall-clock times: when they stop for 5 s, close the open windows anyway.
  idleTimeout: env.IDLE_TIMEOUT === '0' ? undefined : (env.IDLE_TIMEOUT ?? '5s'),
});

// The installed filter_mod, as the YAML twin runs it (`.filter('value is not null')` is the builder's own, vectorised form).
const perSecond = readings
  .module(filterMod, { condition: 'value is not null' }, { name: 'valid' })
  .keyBy('sensor')
  .window(tumbling('1s'))
  .aggregate({ readings: count(), mean: avg('value') }, { name: 'per_second' });

perSecond.to(postgresSink({
  connection: env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  table: env.PG_TABLE ?? 'sensor_counts',
  createTable: true,
  exactlyOnce: env.PG_EXACTLY_ONCE !== 'false',
}), { name: 'store' });

// Readings later than the watermark allows are not lost: they are printed.
perSecond.late().to(consoleSink({ prefix: 'late: ' }), { name: 'late' });

export default app;

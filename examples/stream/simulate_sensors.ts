// Publishes simulated sensor readings to MQTT, for trying sensor_counts.ts / .yaml:
//   pnpm pype run examples/stream/simulate_sensors.ts      (ends after SIM_SECONDS, default 10)
// It is itself a small stream app: a generated source → mqttSink, topic sensors/<sensor>.
import { rowsToBatch, schemaFromSpec, streamApp, type SourceContext, type StreamSource } from '@pypeline/stream';
import { mqttSink } from '@pypeline/stream-connectors';

const env = process.env;
const seconds = Number(env.SIM_SECONDS ?? 10);
const perSecond = Number(env.READINGS_PER_SECOND ?? 50);
const schema = schemaFromSpec({ sensor: 'string', value: 'float64', ts: 'timestamp' });

/** Readings of five sensors, stamped with the wall clock, every 100 ms for `seconds`. */
function simulated(): StreamSource {
  let ctx: SourceContext;
  return {
    kind: 'simulated',
    describe: () => `${perSecond} readings/s for ${seconds} s`,
    open(c) {
      ctx = c;
    },
    async *batches() {
      const end = Date.now() + seconds * 1000;
      let n = 0;
      while (Date.now() < end && !ctx.signal.aborted) {
        const rows = Array.from({ length: Math.max(1, Math.round(perSecond / 10)) }, () => {
          n++;
          return { sensor: `s${n % 5}`, value: Math.round((20 + 5 * Math.sin(n / 50) + Math.random()) * 10) / 10, ts: Date.now() };
        });
        yield { batch: rowsToBatch(rows, schema) };
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {},
  };
}

const app = streamApp('simulate_sensors', { checkpointInterval: '1s' });
app.source('readings', simulated()).to(mqttSink({ url: env.MQTT_URL ?? 'mqtt://127.0.0.1:1883', topic: 'sensors/{sensor}' }), { name: 'mqtt' });
export default app;

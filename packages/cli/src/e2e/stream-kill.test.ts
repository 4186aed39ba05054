// The streaming runtime's recovery, end to end: examples/stream/sensor_counts.ts (MQTT → key_by
// → 1 s tumbling count → PostgreSQL, exactly once) run by the real CLI, SIGKILLed at several
// points while readings arrive, restarted each time; every window count must be right and none
// written twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService, postgresTestConfig, serviceAddress, uniqueName } from '@pypeline/test-services';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
const APP = 'examples/stream/sensor_counts.ts';

// Bundled (its @pypeline imports stay external) where Node resolves them from the CLI's node_modules.
const KILL_ENTRY = join(ROOT, `packages/cli/node_modules/.cache/pype-test/kill-at-checkpoint.${process.pid}.mjs`);

async function bundleKillEntry(): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'packages/cli/src/testing/kill-at-checkpoint.ts')], outfile: KILL_ENTRY,
    bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent',
  });
}

const SENSORS = 10;
const EVENTS = 2000; // 10 ms of event time apart: 20 windows of 1 s, 10 readings per sensor each
const BASE = Date.UTC(2026, 10, 22, 10, 0, 0);

describeWithService('mqtt', 'stream app under SIGKILL', () => {
  describeWithService('postgres', 'MQTT → key_by → tumbling count → PostgreSQL', () => {
    const db = postgresTestConfig();
    const mqttAt = serviceAddress('mqtt');
    const id = uniqueName('pype_kill');
    const stateDir = mkdtempSync(join(tmpdir(), 'pype-kill-'));
    const env = {
      ...process.env,
      FORCE_COLOR: '0',
      SENSOR_APP: id,
      MQTT_URL: `mqtt://${mqttAt.host}:${mqttAt.port}`,
      MQTT_TOPIC: `pype-test/${id}/#`,
      MQTT_CLIENT_ID: id,
      PG_URL: `postgres://${db.user}@${db.host}:${db.port}/${db.database}`,
      PG_TABLE: id,
      CHECKPOINT_INTERVAL: '250ms',
      MAX_OUT_OF_ORDER: '0s',
      IDLE_TIMEOUT: '0', // event times here are synthetic, not the wall clock
    };
    const client = new pg.Client(db);
    const logs: string[] = [];
    beforeAll(async () => {
      await bundleKillEntry();
    }, 120_000);
    afterAll(async () => {
      rmSync(KILL_ENTRY, { force: true });
      await client.query(`DROP TABLE IF EXISTS "${id}"`).catch(() => {});
      await client.query(`DELETE FROM pypeline_stream_commits WHERE app = $1`, [id]).catch(() => {});
      await client.end().catch(() => {});
    });

    // `pype run` itself, or (with killAt) the test-only entry that SIGKILLs itself at that checkpoint phase.
    function start(killAt?: string): { child: ChildProcess; exited: Promise<number | null> } {
      const args = killAt ? [KILL_ENTRY, APP, stateDir, killAt] : [BIN, 'run', APP, '--state-dir', stateDir, '--progress', '0'];
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => {
        logs.push(out);
        r(code);
      }));
      return { child, exited };
    }

    async function running(since: number): Promise<void> {
      const file = join(stateDir, 'metrics.json');
      for (let i = 0; i < 3000; i++) {
        if (existsSync(file)) {
          try {
            const m = JSON.parse(readFileSync(file, 'utf8')) as { status: string; startedAt: number };
            if (m.status === 'running' && m.startedAt >= since) return;
          } catch { /* being replaced */ }
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`the app did not start:\n${logs.join('\n---\n')}`);
    }

    const windowsIn = async () => {
      const r = await client.query(`SELECT count(*)::int AS n FROM "${id}" WHERE sensor <> 'flush'`).catch(() => ({ rows: [{ n: 0 }] }));
      return r.rows[0].n as number;
    };

    it('survives SIGKILLs at several points: every window count correct, none duplicated', async () => {
      await client.connect();
      let t0 = Date.now();
      let app = start();
      await running(t0);

      // While the app is down the broker queues its messages, up to 1000 (Mosquitto's
      // max_queued_messages), and drops the rest: on a loaded machine a restart can take longer
      // than 1000 readings, so the publisher waits once 500 are queued.
      let up = true;
      let queued = 0;
      const down = () => {
        up = false;
        queued = 0;
      };
      const mqtt = await connectAsync(env.MQTT_URL, { clientId: `${id}-pub` });
      const publishing = (async () => {
        for (let i = 0; i < EVENTS; i++) {
          while (!up && queued >= 500) await new Promise((r) => setTimeout(r, 20));
          if (!up) queued++;
          const reading = { sensor: `s${i % SENSORS}`, value: i, ts: new Date(BASE + i * 10).toISOString() };
          await mqtt.publishAsync(`pype-test/${id}/s${i % SENSORS}`, JSON.stringify(reading), { qos: 1 });
          if (i % 10 === 9) await new Promise((r) => setTimeout(r, 60)); // ~160 readings/s
        }
      })();

      // Kill inside a checkpoint while readings arrive: after the sink flushed its rows (uncommitted), after the
      // checkpoint was staged, and after the sink committed but before the checkpoint was applied.
      for (const killAt of ['flushed:3', 'staged:2', 'committed:3', 'flushed:4']) {
        down();
        app.child.kill('SIGKILL');
        await app.exited;
        t0 = Date.now();
        app = start(killAt);
        await running(t0);
        up = true;
        expect(await app.exited, `${killAt}: the app should kill itself there`).toBe(null);
        down();
        expect(logs.at(-1)).not.toMatch(/✗/);
        t0 = Date.now();
        app = start();
        await running(t0);
        up = true;
      }
      // Then at different moments after each start: before the first checkpoint, between
      // checkpoints, and while windows are being written.
      for (const after of [150, 700, 450]) {
        await new Promise((r) => setTimeout(r, after));
        down();
        app.child.kill('SIGKILL');
        expect(await app.exited).toBe(null);
        t0 = Date.now();
        app = start();
        await running(t0);
        up = true;
      }
      await publishing;
      // A reading far ahead moves the watermark past every window.
      await mqtt.publishAsync(`pype-test/${id}/flush`, JSON.stringify({ sensor: 'flush', value: 0, ts: new Date(BASE + 3_600_000).toISOString() }), { qos: 1 });
      await mqtt.endAsync();

      const expected = (EVENTS / 100) * SENSORS;
      for (let i = 0; i < 600 && (await windowsIn()) < expected; i++) await new Promise((r) => setTimeout(r, 50));
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);

      const rows = (await client.query(`SELECT sensor, window_start, readings::int AS n FROM "${id}" WHERE sensor <> 'flush' ORDER BY window_start, sensor`)).rows as Array<{ sensor: string; window_start: Date; n: number }>;
      const dupes = (await client.query(`SELECT sensor, window_start, count(*) FROM "${id}" GROUP BY 1, 2 HAVING count(*) > 1`)).rows;
      expect(dupes, logs.join('\n---\n')).toEqual([]);
      expect(rows).toHaveLength(expected);
      const wrong = rows.filter((r) => r.n !== 10);
      expect(wrong, logs.join('\n---\n')).toEqual([]);
      const windows = new Set(rows.map((r) => r.window_start.getTime()));
      expect([...windows].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS / 100 }, (_, w) => BASE + w * 1000));
      expect(logs.join('\n')).toMatch(/restored from checkpoint/);
      expect(logs.join('\n')).toMatch(/discarded checkpoint \d+: the previous run stopped before its sinks committed it/);
      expect(logs.join('\n')).toMatch(/finished checkpoint \d+, interrupted by the previous run/);
    }, 300_000);
  });
});

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeService, servicesRequired } from './probe.js';
import { serviceAddress } from './services.js';

describe('serviceAddress', () => {
  it('uses the usual port on 127.0.0.1 unless PYPE_<NAME>_HOST/PORT say otherwise', () => {
    expect(serviceAddress('postgres', {})).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(serviceAddress('redis', { PYPE_REDIS_HOST: 'db', PYPE_REDIS_PORT: '7000' })).toEqual({ host: 'db', port: 7000 });
  });

  it('requires services only when PYPE_REQUIRE_SERVICES=1', () => {
    expect(servicesRequired({ PYPE_REQUIRE_SERVICES: '1' })).toBe(true);
    expect(servicesRequired({})).toBe(false);
  });
});

describe('probeService', () => {
  const server = createServer((s) => s.destroy());
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sees a listening port as up and a closed one as down, with the reason', () => {
    process.env.PYPE_NATS_PORT = String(port);
    expect(probeService('nats')).toMatchObject({ up: true, port });
    server.close();
    process.env.PYPE_MQTT_PORT = String(port);
    expect(probeService('mqtt', { waitMs: 1000 })).toMatchObject({ up: false, reason: expect.stringMatching(/^ECONNREFUSED \(\d+ attempts in 1000 ms\)$/) });
    delete process.env.PYPE_NATS_PORT;
    delete process.env.PYPE_MQTT_PORT;
  }, 60_000);

  it('keeps trying for a while, so a service that answers late is still seen as up', () => {
    // Another process starts listening a second after the (synchronous) probe began.
    const late = spawn(process.execPath, ['-e', `setTimeout(() => require('node:net').createServer((s) => s.destroy()).listen(${port}, '127.0.0.1'), 1000)`], { stdio: 'ignore' });
    try {
      process.env.PYPE_RABBITMQ_PORT = String(port);
      expect(probeService('rabbitmq', { waitMs: 20_000 })).toMatchObject({ up: true, port });
    } finally {
      late.kill();
      delete process.env.PYPE_RABBITMQ_PORT;
    }
  }, 60_000);
});

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
    expect(probeService('mqtt')).toMatchObject({ up: false, reason: 'ECONNREFUSED' });
    delete process.env.PYPE_NATS_PORT;
    delete process.env.PYPE_MQTT_PORT;
  });
});

import { execFileSync } from 'node:child_process';
import { serviceAddress, type ServiceName } from './services.js';

export interface ServiceStatus {
  name: ServiceName;
  host: string;
  port: number;
  up: boolean;
  /** Why it is down, e.g. `ECONNREFUSED`; undefined when up. */
  reason?: string;
}

const TIMEOUT_MS = 1500;

// Runs in a child process so the probe can be synchronous: vitest needs to know whether to
// skip a describe block while it collects tests, before any async hook could run.
const PROBE = `
const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
s.setTimeout(${TIMEOUT_MS}, () => { process.stdout.write('timeout'); process.exit(0); });
s.on('connect', () => { process.stdout.write('up'); s.destroy(); });
s.on('error', (e) => { process.stdout.write(e.code || e.message); });
`;

const cache = new Map<string, ServiceStatus>();

/** Whether a TCP connection to the service succeeds; cached per process. */
export function probeService(name: ServiceName): ServiceStatus {
  const { host, port } = serviceAddress(name);
  const key = `${name}@${host}:${port}`;
  let status = cache.get(key);
  if (!status) {
    let answer: string;
    try {
      answer = execFileSync(process.execPath, ['-e', PROBE, host, String(port)], { encoding: 'utf8', timeout: TIMEOUT_MS * 2 });
    } catch (error) {
      answer = (error as Error).message;
    }
    status = answer === 'up' ? { name, host, port, up: true } : { name, host, port, up: false, reason: answer || 'no answer' };
    cache.set(key, status);
  }
  return status;
}

export function serviceAvailable(name: ServiceName): boolean {
  return probeService(name).up;
}

/** True when a missing service must fail the tests instead of skipping them (CI sets it). */
export function servicesRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PYPE_REQUIRE_SERVICES === '1';
}

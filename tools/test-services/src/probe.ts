import { execFileSync } from 'node:child_process';
import { serviceAddress, type ServiceName } from './services.js';

export interface ServiceStatus {
  name: ServiceName;
  host: string;
  port: number;
  up: boolean;
  /** Why it is down, e.g. `ECONNREFUSED (30 attempts in 15000 ms)`; undefined when up. */
  reason?: string;
}

// A busy machine can take seconds to accept a connection (or to start the probe at all), and a
// service may be restarting: a service counts as down only after connects have failed for
// WAIT_MS, each attempt given ATTEMPT_MS. When it is really down, that costs WAIT_MS once per
// test file.
const ATTEMPT_MS = 3000;
const WAIT_MS = 15_000;
const PAUSE_MS = 500;

// Runs in a child process so the probe can be synchronous: vitest needs to know whether to
// skip a describe block while it collects tests, before any async hook could run.
const PROBE = `
const [host, port, attemptMs, waitMs, pauseMs] = process.argv.slice(1);
const deadline = Date.now() + Number(waitMs);
let attempts = 0;
function attempt() {
  attempts++;
  let settled = false;
  const s = require('node:net').connect({ host, port: Number(port) });
  const failed = (reason) => {
    if (settled) return;
    settled = true;
    s.destroy();
    if (Date.now() + Number(pauseMs) >= deadline) {
      process.stdout.write(reason + ' (' + attempts + ' attempt' + (attempts > 1 ? 's' : '') + ' in ' + waitMs + ' ms)');
      process.exit(0);
    }
    setTimeout(attempt, Number(pauseMs));
  };
  s.setTimeout(Number(attemptMs), () => failed('timeout'));
  s.on('connect', () => { settled = true; process.stdout.write('up'); s.destroy(); process.exit(0); });
  s.on('error', (e) => failed(e.code || e.message));
}
attempt();
`;

const cache = new Map<string, ServiceStatus>();

export interface ProbeOptions {
  /** How long connects are retried before the service counts as down. Default 15 s. */
  waitMs?: number;
}

/** Whether a TCP connection to the service succeeds within a while; cached per process. */
export function probeService(name: ServiceName, options: ProbeOptions = {}): ServiceStatus {
  const { host, port } = serviceAddress(name);
  const key = `${name}@${host}:${port}`;
  let status = cache.get(key);
  if (!status) {
    const waitMs = options.waitMs ?? WAIT_MS;
    const attemptMs = Math.min(ATTEMPT_MS, Math.max(waitMs, 100));
    let answer: string;
    try {
      // The outer timeout leaves room for starting node on a loaded machine.
      answer = execFileSync(process.execPath, ['-e', PROBE, host, String(port), String(attemptMs), String(waitMs), String(PAUSE_MS)], {
        encoding: 'utf8',
        timeout: waitMs + attemptMs + 15_000,
      });
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

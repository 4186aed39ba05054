import { describe, it } from 'vitest';
import { probeService, servicesRequired, type ServiceStatus } from './probe.js';
import type { ServiceName } from './services.js';

/**
 * `describe(title, fn, timeoutMs)` when the service answers. When it does not, the block is
 * skipped with the reason in its title (and a warning on stderr), unless PYPE_REQUIRE_SERVICES=1:
 * then one failing test says which service is missing and how to start or point at it.
 * `timeoutMs` is each test's timeout, as for `describe`: size it for a busy machine.
 */
export function describeWithService(name: ServiceName, title: string, fn: () => void, timeoutMs?: number): void {
  const status = probeService(name);
  if (status.up) {
    describe(title, fn, timeoutMs);
    return;
  }
  const why = downMessage(status);
  if (servicesRequired()) {
    describe(title, () => {
      it(`needs ${name}`, () => {
        throw new Error(`${why}, and PYPE_REQUIRE_SERVICES=1 requires it: start ${name}, or set PYPE_${name.toUpperCase()}_HOST / _PORT to where it runs`);
      });
    });
    return;
  }
  process.stderr.write(`[test-services] skipping "${title}": ${why} (set PYPE_REQUIRE_SERVICES=1 to fail instead)\n`);
  describe.skip(`${title} (skipped: ${why})`, fn, timeoutMs);
}

export function downMessage(status: ServiceStatus): string {
  return `${status.name} is not reachable at ${status.host}:${status.port} (${status.reason})`;
}

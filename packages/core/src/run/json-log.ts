import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import type { EventBus, PypeEvent } from './events.js';

const LEVEL: Partial<Record<PypeEvent['type'], 'debug' | 'info' | 'warn' | 'error'>> = {
  'module.failed': 'error',
  'subflow.skipped': 'info',
  'edge.fired': 'debug',
  'edge.skipped': 'debug',
  'artifact.spilled': 'info',
};

/**
 * Writes the run's events as JSON lines (pino), one per event, tagged with `node_id`.
 * Returns a function that flushes and detaches it.
 */
export function attachJsonLog(bus: EventBus, destination: string | NodeJS.WritableStream, level = 'debug'): { logger: Logger; close: () => void } {
  let stream: pino.DestinationStream & { flushSync?: () => void };
  if (typeof destination === 'string') {
    mkdirSync(dirname(destination), { recursive: true });
    stream = pino.destination({ dest: destination, sync: true });
  } else stream = destination;
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  const off = bus.subscribe((e) => write(logger, e));
  return {
    logger,
    close: () => {
      off();
      stream.flushSync?.();
    },
  };
}

function write(logger: Logger, e: PypeEvent): void {
  const { type, time: _time, runId, ...rest } = e as PypeEvent & Record<string, unknown>;
  const fields: Record<string, unknown> = { event: type, run_id: runId };
  for (const [k, v] of Object.entries(rest)) if (k !== 'msg' && k !== 'level' && k !== 'fields') fields[k === 'nodeId' ? 'node_id' : k] = v;
  if (type === 'log') {
    const log = e as Extract<PypeEvent, { type: 'log' }>;
    logger[log.level]({ ...fields, ...log.fields }, log.msg);
    return;
  }
  const level = type === 'run.finished' && (e as Extract<PypeEvent, { type: 'run.finished' }>).status !== 'success' ? 'error' : (LEVEL[type] ?? 'info');
  logger[level](fields, type);
}

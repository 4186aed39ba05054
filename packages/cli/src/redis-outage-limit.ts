import { PypeError } from '@pypeline/core';

/** Exit code of a command stopped because Redis stayed away (EX_TEMPFAIL: try again later). */
export const EXIT_REDIS_OUTAGE = 75;

/** The `--redis-outage-limit` option of the commands that use the bullmq executor. */
export const REDIS_OUTAGE_LIMIT_OPTION = [
  '--redis-outage-limit <duration>',
  'bullmq: how long to wait for an unreachable Redis before stopping (exit 75, resumable), e.g. 90s, 10m (default: PYPE_REDIS_OUTAGE_LIMIT, else 5m)',
] as const;

/**
 * The executor options `--redis-outage-limit` (or PYPE_REDIS_OUTAGE_LIMIT) asks for: the limit
 * in milliseconds and what set it, for the give-up message. Empty when neither is set.
 */
export async function redisOutageLimit(flagValue: string | undefined): Promise<{ outageLimitMs?: number; outageLimitSource?: string }> {
  const limit = flagValue ?? process.env.PYPE_REDIS_OUTAGE_LIMIT;
  if (limit === undefined) return {};
  const flag = flagValue !== undefined ? `--redis-outage-limit ${limit}` : `PYPE_REDIS_OUTAGE_LIMIT=${limit}`;
  return { outageLimitMs: await durationMs(limit, flag), outageLimitSource: `${flag}; raise it to wait longer` };
}

async function durationMs(text: string, flag: string): Promise<number> {
  const { toMs } = await import('@pypeline/stream');
  try {
    const ms = toMs(text, flag);
    if (ms > 0) return ms;
  } catch {
    // reported below, with the fix
  }
  throw new PypeError(`${flag}: "${text}" is not a duration longer than 0`, { hint: 'write it like 90s, 10m or 1h' });
}

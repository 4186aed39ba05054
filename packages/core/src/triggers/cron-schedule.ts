import { Cron } from 'croner';
import type { PlannedTrigger } from '../plan/types.js';

type CronTrigger = Extract<PlannedTrigger, { kind: 'cron' }>;

/**
 * A tick noticed later than this after its time counts as missed (the server was down, or
 * the machine asleep), and `catch_up` decides whether it runs; an earlier one runs as usual.
 */
export const LATE_AFTER_MS = 60_000;

/** Most ticks `catch_up: all` runs after one outage; older ones are skipped. */
export const CATCH_UP_MAX = 100;

const schedules = new Map<string, Cron>();

function schedule(t: Pick<CronTrigger, 'cron' | 'timezone'>): Cron {
  const key = `${t.timezone}\u0000${t.cron}`;
  let c = schedules.get(key);
  if (!c) schedules.set(key, (c = new Cron(t.cron, { timezone: t.timezone, paused: true })));
  return c;
}

/** The trigger's first tick strictly after `after`; undefined when the schedule has no more. */
export function nextTick(t: Pick<CronTrigger, 'cron' | 'timezone'>, after: Date): Date | undefined {
  return schedule(t).nextRun(after) ?? undefined;
}

export interface DueTicks {
  /** The ticks to run now, oldest first. */
  fire: Date[];
  /** Missed ticks `catch_up` left out. */
  skipped: number;
}

/**
 * The ticks of a cron trigger due at `now` after the last one handled (`after`): those on time
 * always; the missed ones (older than LATE_AFTER_MS) by `catch_up`: none of them, the newest
 * of them (only when no tick is on time, which stands for them), or each (at most CATCH_UP_MAX,
 * the newest).
 */
export function dueTicks(t: Pick<CronTrigger, 'cron' | 'timezone' | 'catch_up'>, after: Date, now: Date): DueTicks {
  const missed: Date[] = [];
  const onTime: Date[] = [];
  let skipped = 0;
  for (let tick = nextTick(t, after); tick && tick <= now; tick = nextTick(t, tick)) {
    if (now.getTime() - tick.getTime() <= LATE_AFTER_MS) onTime.push(tick);
    else if (missed.push(tick) > CATCH_UP_MAX) {
      missed.shift();
      skipped++;
    }
  }
  if (t.catch_up === 'all') return { fire: [...missed, ...onTime], skipped };
  if (t.catch_up === 'last' && !onTime.length && missed.length) return { fire: missed.slice(-1), skipped: skipped + missed.length - 1 };
  return { fire: onTime, skipped: skipped + missed.length };
}

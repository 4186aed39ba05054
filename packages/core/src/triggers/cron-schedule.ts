import { Cron } from 'croner';
import type { PlannedTrigger } from '../plan/types.js';

type CronTrigger = Extract<PlannedTrigger, { kind: 'cron' }>;

/**
 * The newest due tick runs as usual when it is at most this old; any other due tick (an older
 * one, or the newest when older than this) was missed (the server was down, busy or asleep),
 * and `catch_up` decides whether it runs.
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
  /** Missed ticks `catch_up` left out (those found: see `more`). */
  skipped: number;
  /** True when older missed ticks were not even counted (a long outage of a frequent schedule). */
  more: boolean;
}

/**
 * The ticks of a cron trigger due at `now` after the last one handled (`after`): the one on
 * time always; the missed ones by `catch_up`: none of them, the newest of them (only when no
 * tick is on time, which stands for them), or each (at most CATCH_UP_MAX, the newest).
 *
 * WARNING: only the ticks near `now` are listed (a window that doubles until it holds as many
 * missed ticks as the policy can use, or reaches `after`): a week's outage of a per-second
 * schedule must not walk 600 000 ticks.
 */
export function dueTicks(t: Pick<CronTrigger, 'cron' | 'timezone' | 'catch_up'>, after: Date, now: Date): DueTicks {
  const need = t.catch_up === 'all' ? CATCH_UP_MAX : 1;
  for (let window = 4 * LATE_AFTER_MS; ; window *= 2) {
    const from = Math.max(after.getTime(), now.getTime() - window);
    const { missed, onTime } = ticksBetween(t, new Date(from), now);
    const more = from > after.getTime();
    if (missed.length < need && more) continue;
    const kept = missed.slice(-need);
    const dropped = missed.length - kept.length;
    if (t.catch_up === 'all') return { fire: [...kept, ...onTime], skipped: dropped, more };
    if (t.catch_up === 'last' && !onTime.length && kept.length) return { fire: kept, skipped: dropped, more };
    return { fire: onTime, skipped: missed.length, more };
  }
}

function ticksBetween(t: Pick<CronTrigger, 'cron' | 'timezone'>, from: Date, now: Date): { missed: Date[]; onTime: Date[] } {
  const missed: Date[] = [];
  for (let tick = nextTick(t, from); tick && tick <= now; tick = nextTick(t, tick)) missed.push(tick);
  const newest = missed.at(-1);
  const onTime = newest && now.getTime() - newest.getTime() <= LATE_AFTER_MS ? [missed.pop()!] : [];
  return { missed, onTime };
}

import { nextTick, type PlannedTrigger } from '@pypeline/core';

/** The lines `pype validate` and `pype build` print for a flow's triggers (none: no line). */
export function describeTriggers(triggers: PlannedTrigger[] | undefined, now = new Date()): string {
  if (!triggers?.length) return '';
  const lines = triggers.map((t) => {
    if (t.kind === 'cron') {
      const next = nextTick(t, now);
      return `${t.id}: cron "${t.cron}" in ${t.timezone} (catch_up ${t.catch_up})${next ? `, next ${next.toISOString()}` : ', no tick ahead'}`;
    }
    if (t.kind === 'file_arrival') return `${t.id}: each new file ${t.folder}/${t.pattern} (path in {{context.${t.context_var}}})`;
    return `${t.id}: after each successful run of job ${t.job}`;
  });
  return `  triggers (fired by pype serve):\n${lines.map((l) => `    ${l}\n`).join('')}`;
}

import type { RunTrigger, Trigger } from '../api.js';
import { formatWhen } from '../format.js';
import { href } from '../router.js';

/** What started a run: a trigger at its tick, or (none) a request. */
export function TriggerLabel({ trigger }: { trigger?: RunTrigger }) {
  if (!trigger) return <span class="muted">request</span>;
  const what = trigger.kind === 'cron' ? formatWhen(trigger.tick)
    : trigger.kind === 'file_arrival' ? trigger.tick.split(/[\\/]/).pop()
    : <>after <a href={href({ page: 'run', id: trigger.tick })} class="mono">{trigger.tick}</a></>;
  return <span data-trigger={trigger.kind} title={trigger.tick}>⏱ {trigger.id} <span class="muted">{what}</span></span>;
}

/** A trigger's rule in one line: the cron and its zone, the folder and glob, the job it follows. */
export function describeTrigger(t: Trigger): string {
  if (t.kind === 'cron') return `cron "${t.cron}" in ${t.timezone}, catch-up ${t.catch_up}`;
  if (t.kind === 'file_arrival') return `new files ${t.folder}/${t.pattern} → {{context.${t.context_var}}}`;
  return `after each success of ${t.job}`;
}

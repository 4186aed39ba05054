import { Cron } from 'croner';
import { guardPath, PathOutsideRootError } from '@pypeline/sdk';
import { contextProblems } from '../flow/context-schema.js';
import { suggestion } from '../flow/did-you-mean.js';
import type { Flow, TriggerDocument } from '../flow/types.js';
import type { Collector } from './collector.js';
import type { PlannedTrigger } from './types.js';

const KINDS = ['cron', 'file_arrival', 'job_success'] as const;

/**
 * The flow's `triggers`, checked and with their defaults filled in: exactly one kind each, a
 * cron that parses in a time zone that exists, a context that is declared, a job to follow that
 * is not this one and (when `jobs` lists the jobs around) exists. Every problem is reported.
 */
export function checkTriggers(flow: Flow, out: Collector, jobs?: readonly string[]): PlannedTrigger[] {
  const planned: PlannedTrigger[] = [];
  const ids = new Set<string>();
  const counts = new Map<string, number>();
  (flow.triggers ?? []).forEach((t, index) => {
    if (t === null || typeof t !== 'object') return; // the schema reported it
    const at = (...path: (string | number)[]) => ['triggers', index, ...path];
    const kinds = KINDS.filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) {
      out.error(at(), kinds.length ? `a trigger has one kind, and this one has ${kinds.join(' and ')}` : 'a trigger needs one of cron, file_arrival or job_success',
        kinds.length ? 'split it into one trigger per kind' : 'e.g. `- cron: "0 2 * * *"`, `- file_arrival: { folder: inbox }` or `- job_success: load_orders`');
      return;
    }
    const kind = kinds[0];
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    const id = t.id ?? (n === 1 ? kind : `${kind}_${n}`);
    if (ids.has(id)) return out.error(at(t.id === undefined ? kind : 'id'), `trigger id "${id}" is used twice`, 'give each trigger its own id');
    ids.add(id);
    const context = t.context ?? 'default';
    if (!(context in flow.context)) {
      out.error(at('context'), `trigger ${id}: there is no context "${context}".${suggestion(context, Object.keys(flow.context))}`, `use one of: ${Object.keys(flow.context).join(', ')}`);
    }
    if (kind !== 'cron') {
      for (const key of ['timezone', 'catch_up'] as const) {
        if (t[key] !== undefined) out.error(at(key), `trigger ${id}: ${key} is only for cron triggers`, `remove ${key}`);
      }
    }
    const trigger = kind === 'cron' ? cronTrigger(t, id, context, at, out)
      : kind === 'file_arrival' ? fileTrigger(t, id, context, flow, at, out)
      : jobTrigger(t, id, context, flow, at, out, jobs);
    if (trigger) planned.push(trigger);
  });
  return planned;
}

type At = (...path: (string | number)[]) => (string | number)[];

function cronTrigger(t: TriggerDocument, id: string, context: string, at: At, out: Collector): PlannedTrigger | undefined {
  const problem = cronProblem(t.cron!);
  if (problem) out.error(at('cron'), `trigger ${id}: cron "${t.cron}": ${problem}`, 'five fields "minute hour day-of-month month day-of-week" (e.g. "0 2 * * *"), or six with seconds first (e.g. "0/10 * * * * *")');
  const timezone = t.timezone ?? 'UTC';
  const zoneOk = isTimeZone(timezone);
  if (!zoneOk) out.error(at('timezone'), `trigger ${id}: "${timezone}" is not a time zone.${suggestion(timezone, timeZones())}`, 'use an IANA time zone name such as Europe/Paris, America/New_York or UTC');
  if (problem || !zoneOk) return undefined;
  return { kind: 'cron', id, context, cron: t.cron!.trim(), timezone, catch_up: t.catch_up ?? 'last' };
}

/** Why croner rejects the pattern; undefined when it parses. */
function cronProblem(pattern: string): string | undefined {
  const fields = pattern.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return `it has ${fields} field${fields === 1 ? '' : 's'}, and a cron has five or six`;
  try {
    new Cron(pattern.trim(), { paused: true });
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^CronPattern: /, '');
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function timeZones(): string[] {
  return Intl.supportedValuesOf('timeZone');
}

function fileTrigger(t: TriggerDocument, id: string, context: string, flow: Flow, at: At, out: Collector): PlannedTrigger | undefined {
  const f = t.file_arrival!;
  if (typeof f.folder !== 'string' || !f.folder.trim()) return void out.error(at('file_arrival', 'folder'), `trigger ${id}: folder is empty`, 'name the folder to watch, e.g. folder: inbox');
  const root = flow.settings.allowed_root;
  if (root) {
    try {
      guardPath(f.folder, root, { where: `trigger ${id}: file_arrival.folder`, rootName: 'settings.allowed_root', fix: `watch a folder under ${root}, or change settings.allowed_root` });
    } catch (err) {
      if (!(err instanceof PathOutsideRootError)) throw err;
      return void out.error(at('file_arrival', 'folder'), err.message, err.hint);
    }
  }
  const contextVar = f.context_var ?? 'trigger_file';
  if (flow.context_schema !== undefined) {
    const values = { ...flow.context[context], [contextVar]: '/a/new/file' };
    let problems: ReturnType<typeof contextProblems> = [];
    try {
      problems = contextProblems(values, flow.context_schema, flow.flow.name).filter((p) => p.path[0] === contextVar);
    } catch {
      // A context_schema that does not compile is reported by checkContexts.
    }
    if (problems.length) {
      out.error(at('file_arrival', 'context_var'), `trigger ${id}: the run gets the file's path as context variable "${contextVar}", which context_schema does not accept: ${problems[0].message}`,
        `declare ${contextVar} as a string in context_schema, or name another variable with context_var`);
    }
  }
  return { kind: 'file_arrival', id, context, folder: f.folder, pattern: f.pattern ?? '*', context_var: contextVar };
}

function jobTrigger(t: TriggerDocument, id: string, context: string, flow: Flow, at: At, out: Collector, jobs?: readonly string[]): PlannedTrigger | undefined {
  const job = t.job_success!;
  if (job === flow.flow.name) return void out.error(at('job_success'), `trigger ${id}: a job cannot start after its own success (that runs it forever)`, 'name another job, or use a cron trigger');
  if (jobs && !jobs.includes(job)) {
    return void out.error(at('job_success'), `trigger ${id}: there is no job named "${job}" here.${suggestion(job, jobs.filter((j) => j !== flow.flow.name))}`,
      `build it into the same jobs folder (\`pype build ${job}.yaml --out <jobs>\`) or fix the name`);
  }
  return { kind: 'job_success', id, context, job };
}

import { describe, expect, it } from 'vitest';
import { validateFlow } from '../build/build.js';
import { dueTicks, nextTick } from '../triggers/cron-schedule.js';
import { fixtureProject, writeFlow } from '../testing/flow-files.js';

const FLOW = (triggers: string, extra = '') => `flow:
  name: nightly
${extra}modules:
  - id: pause
    name: sleep_solo
    configs:
      required:
        ms: 1
triggers:
${triggers}`;

function check(text: string, jobs?: string[]) {
  const r = validateFlow(writeFlow(text), { searchDirs: [fixtureProject()], jobs });
  return { ...r, errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('flow triggers: validated with their line, planned into the job metadata', () => {
  it('plans each kind with its defaults', () => {
    const r = check(FLOW(`  - cron: "0 2 * * *"
    timezone: Europe/Paris
  - id: inbox
    file_arrival: { folder: inbox, pattern: "*.csv" }
  - job_success: load_orders
    context: default
  - cron: "0/10 * * * * *"
    catch_up: all
`), ['load_orders']);
    expect(r.errors).toEqual([]);
    expect(r.plan?.metadata.triggers).toEqual([
      { kind: 'cron', id: 'cron', context: 'default', cron: '0 2 * * *', timezone: 'Europe/Paris', catch_up: 'last' },
      { kind: 'file_arrival', id: 'inbox', context: 'default', folder: 'inbox', pattern: '*.csv', context_var: 'trigger_file' },
      { kind: 'job_success', id: 'job_success', context: 'default', job: 'load_orders' },
      { kind: 'cron', id: 'cron_2', context: 'default', cron: '0/10 * * * * *', timezone: 'UTC', catch_up: 'all' },
    ]);
  });

  it('reports a bad cron, an unknown time zone (with a did-you-mean), a missing job, and a trigger of two kinds, each at its line', () => {
    const r = check(FLOW(`  - cron: "61 * * * *"
  - cron: "0 2 * * *"
    timezone: Europe/Pariss
  - job_success: load_ordres
  - cron: "* * * * *"
    job_success: load_orders
  - cron: "* * *"
  - file_arrival: { folder: in }
    catch_up: all
  - job_success: nightly
`), ['load_orders', 'nightly']);
    const at = (line: number) => r.errors.find((e) => e.line === line)?.message;
    expect(at(10)).toMatch(/trigger cron: cron "61 \* \* \* \*": Invalid value for minute: 61/);
    expect(at(12)).toMatch(/"Europe\/Pariss" is not a time zone. Did you mean "Europe\/Paris"\?/);
    expect(at(13)).toMatch(/there is no job named "load_ordres" here. Did you mean "load_orders"\?/);
    expect(r.errors.find((e) => e.line === 13)?.hint).toMatch(/pype build load_ordres.yaml/);
    expect(at(14)).toMatch(/a trigger has one kind, and this one has cron and job_success/);
    expect(at(16)).toMatch(/it has 3 fields, and a cron has five or six/);
    expect(at(18)).toMatch(/catch_up is only for cron triggers/);
    expect(at(19)).toMatch(/a job cannot start after its own success/);
    expect(r.ok).toBe(false);
  });

  it('reports an unknown context and a bad catch_up through the schema', () => {
    const r = check(FLOW(`  - cron: "0 2 * * *"
    context: prod
    catch_up: sometimes
`));
    expect(r.errors.map((e) => e.line)).toEqual(expect.arrayContaining([11, 12]));
    expect(r.errors.find((e) => e.line === 11)?.message).toMatch(/there is no context "prod"/);
  });

  it('checks the file path variable against context_schema', () => {
    const r = check(FLOW(`  - file_arrival: { folder: in }
`, 'context_schema:\n  type: object\n  additionalProperties: false\n  properties:\n    day: { type: string }\n'));
    expect(r.errors[0]?.message).toMatch(/context variable "trigger_file", which context_schema does not accept/);
  });
});

describe('cron ticks and catch-up', () => {
  const at = (iso: string) => new Date(iso);
  const hourly = { cron: '0 * * * *', timezone: 'UTC' };

  it('reads the schedule in its time zone', () => {
    expect(nextTick({ cron: '0 2 * * *', timezone: 'Europe/Paris' }, at('2026-07-01T00:30:00Z'))?.toISOString()).toBe('2026-07-02T00:00:00.000Z');
    expect(nextTick({ cron: '0 2 * * *', timezone: 'UTC' }, at('2026-07-01T00:30:00Z'))?.toISOString()).toBe('2026-07-01T02:00:00.000Z');
  });

  it('fires on-time ticks under every policy; missed ones by catch_up', () => {
    const after = at('2026-01-01T00:00:00Z');
    const now = at('2026-01-01T05:00:30Z'); // 01..04 missed, 05:00 on time
    const iso = (d: { fire: Date[] }) => d.fire.map((t) => t.toISOString().slice(11, 16));
    expect(iso(dueTicks({ ...hourly, catch_up: 'all' }, after, now))).toEqual(['01:00', '02:00', '03:00', '04:00', '05:00']);
    expect(iso(dueTicks({ ...hourly, catch_up: 'last' }, after, now))).toEqual(['05:00']);
    expect(iso(dueTicks({ ...hourly, catch_up: 'none' }, after, now))).toEqual(['05:00']);
    const later = at('2026-01-01T05:10:00Z'); // 01..05 all missed
    expect(iso(dueTicks({ ...hourly, catch_up: 'last' }, after, later))).toEqual(['05:00']);
    expect(dueTicks({ ...hourly, catch_up: 'last' }, after, later)).toMatchObject({ skipped: 0, more: true }); // 01:00-04:00 not even listed
    expect(iso(dueTicks({ ...hourly, catch_up: 'none' }, after, later))).toEqual([]);
    const month = dueTicks({ ...hourly, catch_up: 'all' }, at('2025-12-01T00:00:00Z'), later);
    expect(month.fire).toHaveLength(100);
    expect(month.fire[99].toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(month.more).toBe(true);
    // A year's outage of a per-second schedule lists only the ticks near now.
    const second = dueTicks({ cron: '* * * * * *', timezone: 'UTC', catch_up: 'last' }, at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00.500Z'));
    expect(second.fire.map((d) => d.toISOString())).toEqual(['2026-01-01T00:00:00.000Z']);
    // Only the newest due tick is on time: a per-second schedule woken 3 s late runs once.
    expect(dueTicks({ cron: '* * * * * *', timezone: 'UTC', catch_up: 'none' }, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:03.200Z')).fire.map((d) => d.toISOString())).toEqual(['2026-01-01T00:00:03.000Z']);
  });
});

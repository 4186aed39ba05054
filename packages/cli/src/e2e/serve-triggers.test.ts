// `pype serve` fires the jobs' triggers: the real CLI as a child process on a temp folder with a
// cron job ticking every second, a job started by files arriving in a folder, and a job that
// follows another's success. Killed with SIGKILL and started again, it fires no tick and no
// file twice, and every run a trigger started says so in the API.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import { until } from '@pypeline/test-services';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const TOKEN = 'serve-triggers-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Run {
  id: string;
  status: string;
  finishedAt?: string;
  trigger?: { kind: string; id: string; tick: string };
}

function project(): { root: string; inbox: string } {
  const root = mkdtempSync(join(tmpdir(), 'pype-serve-triggers-'));
  const inbox = join(root, 'inbox');
  mkdirSync(inbox);
  const flow = (name: string, triggers: string) => `flow:\n  name: ${name}\ncontext:\n  default:\n    trigger_file: none\nmodules:\n  - id: say\n    name: log_message\n    configs: { required: { message: "${name} {{context.trigger_file}}" } }\n${triggers}`;
  const flows: Record<string, string> = {
    tick: flow('tick', 'triggers:\n  - id: every_second\n    cron: "* * * * * *"\n    timezone: Europe/Paris\n'),
    ingest: flow('ingest', `triggers:\n  - id: inbox\n    file_arrival: { folder: ${JSON.stringify(inbox)}, pattern: "*.csv" }\n`),
    load: flow('load', ''),
    report: flow('report', 'triggers:\n  - job_success: load\n'),
  };
  for (const [name, text] of Object.entries(flows)) {
    writeFileSync(join(root, `${name}.yaml`), text);
    buildFlow(join(root, `${name}.yaml`), { searchDirs: [REPO], outDir: join(root, 'jobs'), jobs: Object.keys(flows) });
  }
  return { root, inbox };
}

async function serve(root: string) {
  const child = spawn(process.execPath, [BIN, 'serve', '--jobs', 'jobs', '--port', '0', '--project', REPO], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYPE_SERVE_TOKEN: TOKEN },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  await until(() => gone || /pype serve on (http:\/\/\S+)/.test(output), () => `pype serve to listen; its output:\n${output}`, 60_000, 50);
  const base = /pype serve on (http:\/\/\S+)/.exec(output)?.[1];
  if (!base) throw new Error(`pype serve exited before listening; its output:\n${output}`);
  const get = async (path: string): Promise<any> => (await fetch(`${base}${path}`, { headers: AUTH })).json();
  const runs = async (job: string): Promise<Run[]> => ((await get(`/jobs/${job}/runs?limit=500`)).runs as Run[]).reverse();
  /** Waits until `job` has runs for which `ok` holds; returns them. */
  const waitRuns = async (job: string, ok: (runs: Run[]) => boolean, what: string): Promise<Run[]> => {
    let last: Run[] = [];
    await until(async () => ok((last = await runs(job))), () => `${what}; runs of ${job}: ${JSON.stringify(last.map((r) => [r.status, r.trigger]))}; server output:\n${output}`, 90_000, 100);
    return last;
  };
  return { child, exited, base, output: () => output, get, runs, waitRuns };
}

describe('pype validate and pype build show triggers', () => {
  it('prints each trigger with its next tick; reports a bad cron, an unknown time zone and a missing job at their lines', () => {
    const { root } = project();
    // From the repository, whose node_modules hold the modules; the flows and jobs are in root.
    const pype = (command: string, flow: string) => spawnSync(process.execPath, [BIN, command, join(root, flow), '--out', join(root, 'jobs')], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    const ok = pype('validate', 'tick.yaml');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/triggers \(fired by pype serve\):\n {4}every_second: cron "\* \* \* \* \* \*" in Europe\/Paris \(catch_up last\), next 20\d\d-/);
    expect(pype('build', 'report.yaml').stdout).toContain('job_success: after each successful run of job load');
    writeFileSync(join(root, 'bad.yaml'), 'flow:\n  name: bad\nmodules:\n  - id: say\n    name: log_message\n    configs: { required: { message: hi } }\ntriggers:\n  - cron: "0 25 * * *"\n    timezone: Europe/Pariss\n  - job_success: lod\n');
    const bad = pype('validate', 'bad.yaml');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(root, 'bad.yaml')}:8:11 error at triggers[0].cron: trigger cron: cron "0 25 * * *": Invalid value for hour: 25`);
    expect(bad.stderr).toMatch(/bad\.yaml:9:15 error at triggers\[0\]\.timezone: .*"Europe\/Pariss" is not a time zone\. Did you mean "Europe\/Paris"\?/);
    expect(bad.stderr).toMatch(/bad\.yaml:10:18 error at triggers\[1\]\.job_success: trigger job_success: there is no job named "lod" here\. Did you mean "load"\?\n {4}fix: build it/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 300_000);
});

describe('pype serve fires triggers', () => {
  it('cron every second, new files and a job\'s success start runs recorded as triggered; SIGKILL and a restart fire no tick and no file twice', async () => {
    const { root, inbox } = project();
    const first = await serve(root);
    const ticked = await first.waitRuns('tick', (r) => r.length >= 3, 'three ticks to fire');
    expect(ticked[0].trigger).toMatchObject({ kind: 'cron', id: 'every_second' });

    // Files: written under another name, then renamed into the folder (as a writer should).
    for (const name of ['a.csv', 'b.csv', 'skip.txt']) {
      writeFileSync(join(inbox, `.${name}.part`), 'x\n');
      renameSync(join(inbox, `.${name}.part`), join(inbox, name));
    }
    const ingested = await first.waitRuns('ingest', (r) => r.length >= 2 && r.every((x) => x.finishedAt), 'a.csv and b.csv to start a run each');
    expect(ingested.map((r) => [r.trigger?.kind, r.trigger?.tick, r.status])).toEqual([
      ['file_arrival', join(inbox, 'a.csv'), 'success'],
      ['file_arrival', join(inbox, 'b.csv'), 'success'],
    ]);

    // A run of `load` over HTTP; `report` follows its success.
    const posted = await fetch(`${first.base}/jobs/load/runs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{}' });
    const loadId = ((await posted.json()) as { id: string }).id;
    const [report] = await first.waitRuns('report', (r) => r.length === 1 && Boolean(r[0].finishedAt), 'report to follow load');
    expect(report).toMatchObject({ status: 'success', trigger: { kind: 'job_success', id: 'job_success', tick: loadId } });

    first.child.kill('SIGKILL');
    await first.exited;
    const before = new Set((await firstTicks(root)).map((r) => r.trigger!.tick));

    const second = await serve(root);
    const newest = [...before].sort().at(-1)!;
    const after = await second.waitRuns('tick', (r) => r.filter((x) => x.trigger!.tick > newest).length >= 3, 'three more ticks after the restart');
    const ticks = after.map((r) => r.trigger!.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(after.every((r) => r.trigger?.kind === 'cron')).toBe(true);
    // The restarted server has listed the inbox since (it fired ticks after its first pass): no file again.
    expect((await second.runs('ingest')).map((r) => r.trigger?.tick)).toEqual([join(inbox, 'a.csv'), join(inbox, 'b.csv')]);
    expect((await second.runs('report')).length).toBe(1);
    const schedules = (await second.get('/schedules')).schedules as Array<{ job: string; next?: string; last?: { run: string } }>;
    expect(schedules.map((s) => s.job).sort()).toEqual(['ingest', 'report', 'tick']);
    expect(Date.parse(schedules.find((s) => s.job === 'tick')!.next!)).toBeGreaterThan(Date.now() - 5_000);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 400_000);
});

/** The tick runs the killed server left in its store, read by a server on a copy-free reopen (the store is free once the process died). */
async function firstTicks(root: string): Promise<Run[]> {
  const { SqliteRunStore } = await import('@pypeline/server');
  const store = new SqliteRunStore(join(root, 'jobs', '.pype-serve', 'runs.db'));
  try {
    return (await store.list({ job: 'tick', limit: 500 })).filter((r) => r.trigger) as Run[];
  } finally {
    await store.close();
  }
}

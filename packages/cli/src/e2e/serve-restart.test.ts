// `pype serve` must not lose a run it answered 202 for: the real CLI is started as a child
// process, fed runs over real HTTP, stopped (SIGTERM, a second signal, SIGKILL) and started
// again; every accepted run must end with a final status, and none may run twice.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFlow } from '@pypeline/core';
import pg from 'pg';
import { describeWithService, postgresTestConfig, until, uniqueName } from '@pypeline/test-services';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const TOKEN = 'serve-restart-token-0123';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** A response's JSON body, untyped (tests read the fields they assert on). */
const json = async (res: Response): Promise<any> => res.json();

/**
 * A temp project with a module `mark` that naps `ms` (stopping at once when the run is stopped),
 * then appends its node id (and the text of the file `copy`, when given) to `<out>/<tag>.log`,
 * and three built jobs: `quick` (one mark), `steps` (mark a, then mark b in a second sub flow,
 * so a checkpoint lies between them; b copies `{{context.input}}`).
 */
function project(): { root: string; out: string; lines: (tag: string) => string[] } {
  const root = mkdtempSync(join(tmpdir(), 'pype-serve-restart-'));
  const out = join(root, 'out');
  mkdirSync(out);
  const dir = join(root, 'node_modules', '@pypeline', 'mod-mark');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@pypeline/mod-mark', version: '1.0.0', type: 'module', pypeline: { manifest: './pypeline.manifest.json' } }));
  const schema = { type: 'object', additionalProperties: false, required: ['tag', 'out'], properties: { tag: { type: 'string' }, out: { type: 'string' }, ms: {}, copy: { type: 'string' } } };
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({
    manifest_version: 1, sdk_api: 1, name: 'mark', entry: './dist/index.js', type: 'solo', description: 'naps, then marks', category: 'Test',
    input_ports: [], output_ports: [], globals: [], packages: [],
    config_schema: { required: { tag: { type: 'string' }, out: { type: 'string' } }, optional: { ms: {}, copy: { type: 'string' } } }, json_schema: schema,
  }));
  writeFileSync(join(dir, 'dist', 'index.js'), `import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
export default { name: 'mark', type: 'solo', async run(_, ctx) {
  const ms = Number(ctx.config.ms ?? 0);
  await new Promise((r, j) => { const t = setTimeout(r, ms); ctx.signal.addEventListener('abort', () => { clearTimeout(t); j(ctx.signal.reason); }); });
  const copied = ctx.config.copy ? ':' + readFileSync(ctx.config.copy, 'utf8') : '';
  appendFileSync(join(ctx.config.out, ctx.config.tag + '.log'), ctx.nodeId + copied + '\\n');
} };\n`);
  const mark = (id: string, ms: string, extra = '') => `  - id: ${id}\n    name: mark\n    configs:\n      required: { tag: "{{context.tag}}", out: "{{context.out}}" }\n      optional: { ms: ${ms}${extra} }\n`;
  const flows: Record<string, string> = {
    quick: `flow:\n  name: quick\ncontext:\n  default:\n    tag: none\n    out: ${JSON.stringify(out)}\nmodules:\n${mark('mark', '300')}`,
    steps: `flow:\n  name: steps\ncontext:\n  default:\n    tag: none\n    out: ${JSON.stringify(out)}\n    input: ""\n    b_ms: 4000\nmodules:\n${mark('a', '50')}${mark('b', '"{{context.b_ms}}"', ', copy: "{{context.input}}"')}connections:\n  control:\n    - "a (1|) b"\n`,
  };
  for (const [name, text] of Object.entries(flows)) {
    writeFileSync(join(root, `${name}.yaml`), text);
    buildFlow(join(root, `${name}.yaml`), { searchDirs: [root], outDir: join(root, 'jobs') });
  }
  const lines = (tag: string) => {
    const file = join(out, `${tag}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  };
  return { root, out, lines };
}

/** `pype serve` on a free port of 127.0.0.1 in `root`, its runs kept in `<root>/jobs/.pype-serve/runs.db`. */
async function serve(root: string, args: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'serve', '--jobs', 'jobs', '--port', '0', '--project', root, ...args], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYPE_SERVE_TOKEN: TOKEN },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  await until(() => gone || /pype serve on (http:\/\/\S+)/.test(output), () => `pype serve to listen; its output:\n${output}`, 60_000, 50);
  const base = /pype serve on (http:\/\/\S+)/.exec(output)?.[1];
  if (!base) throw new Error(`pype serve exited before listening; its output:\n${output}`);
  const post = (job: string, body: unknown) => fetch(`${base}/jobs/${job}/runs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const run = async (id: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${base}/runs/${id}`, { headers: AUTH });
    return { status: res.status, body: await json(res) };
  };
  /** Waits until the run has a final status; fails on a 404 at once. */
  const final = async (id: string, timeoutMs = 120_000): Promise<any> => {
    let last: { status: number; body: any } | undefined;
    await until(async () => {
      last = await run(id);
      if (last.status === 404) throw new Error(`run ${id} is unknown (404) to the restarted server: ${JSON.stringify(last.body)}`);
      return Boolean(last.body.finishedAt);
    }, () => `run ${id} to finish; last seen ${JSON.stringify(last)}; server output:\n${output}`, timeoutMs, 100);
    return last!.body;
  };
  /**
   * Waits until module b of a `steps` run has started: the scheduler checkpoints a's sub flow
   * before it starts b, so a stop from here on must resume with a restored, not run again.
   * (Waiting only for a's line is a race: a kill between a's side effect and its checkpoint
   * re-runs a on resume, which is the documented at-least-once of a solo module's side effect.)
   */
  const checkpointed = async (id: string): Promise<void> => {
    let last: { status: number; body: any } | undefined;
    await until(async () => {
      last = await run(id);
      return (last.body.modules ?? []).some((m: any) => m.nodeId === 'b#0');
    }, () => `module b of run ${id} to start; last seen ${JSON.stringify(last)}; server output:\n${output}`, 60_000, 50);
  };
  return { child, base, exited, output: () => output, post, run, final, checkpointed };
}

describe('pype serve keeps accepted runs across stops and restarts', () => {
  it('the attack: 50 runs accepted, SIGTERM soon after, restart: all 50 end in success, each ran once', async () => {
    const { root, lines } = project();
    const first = await serve(root);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await first.post('quick', { tag: `t${i}` });
      expect(res.status).toBe(202);
      ids.push((await json(res)).id);
    }
    await until(() => lines('t0').length > 0, () => `the first run to mark; server output:\n${first.output()}`, 60_000);
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const ranBefore = ids.filter((_, i) => lines(`t${i}`).length > 0).length;
    expect(ranBefore).toBeLessThan(50); // else the test proves nothing: some runs must be waiting

    const second = await serve(root);
    const runs = [];
    for (const id of ids) runs.push(await second.final(id, 180_000));
    expect(runs.map((r) => r.status)).toEqual(ids.map(() => 'success'));
    expect(ids.map((_, i) => lines(`t${i}`))).toEqual(ids.map(() => ['mark#0']));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // What the operator is told, once the runs are known to be safe.
    expect(code).toBe(0);
    expect(first.output()).toMatch(/SIGTERM: refusing new runs \(503\)/);
    expect(first.output()).toContain(`${50 - ranBefore} unfinished runs wait in the run store for the next start`);
    await until(() => /taking up runs an earlier server left unfinished: \d+ queued/.test(second.output()), () => `the queued runs to be taken up; server output:\n${second.output()}`);
  }, 400_000);

  it('SIGTERM drains: 503 for new runs, the running run finishes, a queued upload survives the restart, runs, and is removed', async () => {
    const { root, lines } = project();
    const first = await serve(root);
    const slow = (await json(await first.post('steps', { tag: 'slow' }))).id;
    const form = new FormData();
    form.append('input', new Blob(['hello upload']), 'greeting.txt');
    form.append('tag', 'up');
    form.append('b_ms', '10');
    const posted = await fetch(`${first.base}/jobs/steps/runs`, { method: 'POST', headers: AUTH, body: form });
    expect(posted.status).toBe(202);
    const up = (await json(posted)).id;
    await until(() => lines('slow').length > 0, () => `a#0 of the slow run; server output:\n${first.output()}`, 60_000);
    first.child.kill('SIGTERM');
    await until(() => first.output().includes('SIGTERM: '), () => `the drain to begin; server output:\n${first.output()}`);
    const refused = await first.post('steps', { tag: 'late' });
    expect(refused.status).toBe(503);
    expect((await json(refused)).error).toBe('the server is shutting down and accepts no new runs');
    expect((await first.run(slow)).body.status).toBe('running'); // still answering while it drains
    expect(await first.exited).toBe(0);
    expect(lines('slow')).toEqual(['a#0', 'b#0']);
    expect(lines('up')).toEqual([]);
    const uploads = join(root, 'jobs', 'steps', 'uploads', up);
    expect(readdirSync(uploads)).toEqual(['input-greeting.txt']);

    const second = await serve(root);
    expect((await second.final(slow)).status).toBe('success');
    const done = await second.final(up);
    expect(done.status).toBe('success');
    expect(lines('up')).toEqual(['a#0', 'b#0:hello upload']);
    expect(existsSync(uploads)).toBe(false);
    expect(lines('late')).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 300_000);

  it('a run still running when the grace period ends is stopped cleanly and resumed by the next start', async () => {
    const { root, lines } = project();
    const first = await serve(root, ['--grace', '1']);
    const id = (await json(await first.post('steps', { tag: 'g', b_ms: 6000 }))).id;
    await until(() => lines('g').length > 0, () => `a#0; server output:\n${first.output()}`, 60_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('1 unfinished run waits in the run store for the next start');
    expect(lines('g')).toEqual(['a#0']);

    const second = await serve(root);
    await until(() => /1 interrupted/.test(second.output()), () => `the interrupted run to be taken up; server output:\n${second.output()}`);
    const run = await second.final(id);
    expect(run.status).toBe('success');
    // a completed before the stop and is restored from the checkpoint; b was stopped before its mark.
    expect(lines('g')).toEqual(['a#0', 'b#0']);
    expect(run.modules.map((m: any) => [m.nodeId, m.status])).toEqual([['a#0', 'restored'], ['b#0', 'success']]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 300_000);

  it.each([
    ['SIGKILL mid-run', async (child: import('node:child_process').ChildProcess) => child.kill('SIGKILL'), null],
    ['a second SIGTERM', async (child: import('node:child_process').ChildProcess, output: () => string) => {
      child.kill('SIGTERM');
      await until(() => output().includes('SIGTERM: refusing'), 'the drain to begin');
      child.kill('SIGTERM');
    }, 143],
  ] as const)('%s: the next start resumes the run from its checkpoint', async (_, stop, code) => {
    const { root, lines } = project();
    const first = await serve(root, ['--grace', '120']);
    const id = (await json(await first.post('steps', { tag: 'k', b_ms: 3000 }))).id;
    await first.checkpointed(id);
    const t0 = Date.now();
    await stop(first.child, first.output);
    expect(await first.exited).toBe(code);
    expect(Date.now() - t0).toBeLessThan(20_000); // not after the 120 s grace

    const second = await serve(root);
    await until(() => /1 interrupted/.test(second.output()), () => `the interrupted run to be taken up; server output:\n${second.output()}`);
    const run = await second.final(id);
    expect(run.status).toBe('success');
    expect(lines('k')).toEqual(['a#0', 'b#0']);
    expect(run.modules.map((m: any) => [m.nodeId, m.status])).toEqual([['a#0', 'restored'], ['b#0', 'success']]);
    const events = await fetch(`${second.base}/runs/${id}/events`, { headers: AUTH }).then((r) => r.text());
    expect(events).toMatch(/resuming run \d{8}T\d{6}-[0-9a-f]{6}: 1 sub flow\(s\) already completed/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 300_000);
});

describeWithService('postgres', 'pype serve with its runs in PostgreSQL (--db postgres://…)', () => {
  const { host, port, user, database } = postgresTestConfig();
  const schema = uniqueName('pype_serve_e2e');
  afterAll(async () => {
    const admin = new pg.Client({ host, port, user, database });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('SIGKILL with one run mid-way and ten queued: the next start, on another folder\'s disk state, finishes all eleven, each once', async () => {
    const { root, lines } = project();
    const db = ['--db', `postgres://${user}:not-shown@${host}:${port}/${database}?schema=${schema}`];
    const first = await serve(root, db);
    expect(first.output()).toContain(`runs kept in postgres://${user}@${host}:${port}/${database} (schema ${schema})`);
    expect(first.output()).not.toContain('not-shown');
    const slow = (await json(await first.post('steps', { tag: 'k', b_ms: 3000 }))).id;
    const queued: string[] = [];
    // Runs of one job folder run one after another: these wait behind the slow one.
    for (let i = 0; i < 10; i++) queued.push((await json(await first.post('steps', { tag: `q${i}`, b_ms: 10 }))).id);
    await first.checkpointed(slow);
    first.child.kill('SIGKILL');
    await first.exited;
    // Nothing is kept in the job folder: a server on a fresh disk would find the same runs.
    expect(existsSync(join(root, 'jobs', '.pype-serve'))).toBe(false);

    const second = await serve(root, db);
    await until(() => /10 queued, 1 interrupted/.test(second.output()), () => `the runs to be taken up; server output:\n${second.output()}`);
    expect((await second.final(slow)).status).toBe('success');
    for (const id of queued) expect((await second.final(id)).status).toBe('success');
    expect(lines('k')).toEqual(['a#0', 'b#0']);
    expect(queued.map((_, i) => lines(`q${i}`))).toEqual(queued.map(() => ['a#0', 'b#0']));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 300_000);
}, 300_000);

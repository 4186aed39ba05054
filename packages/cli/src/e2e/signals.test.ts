import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';

const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** A temp project with one solo module that naps `ms` and records its node id when done. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'pype-sig-'));
  const dir = join(root, 'node_modules', '@pypeline', 'mod-nap');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@pypeline/mod-nap', version: '1.0.0', type: 'module', pypeline: { manifest: './pypeline.manifest.json' } }));
  const schema = { type: 'object', additionalProperties: false, required: ['ms'], properties: { ms: { type: 'integer' } } };
  writeFileSync(join(dir, 'pypeline.manifest.json'), JSON.stringify({ manifest_version: 1, sdk_api: 1, name: 'nap', entry: './dist/index.js', type: 'solo', description: 'naps', category: 'Test', input_ports: [], output_ports: [], globals: [], packages: [], config_schema: { required: { ms: { type: 'integer' } }, optional: {} }, json_schema: schema }));
  writeFileSync(join(dir, 'dist', 'index.js'), `import { appendFileSync } from 'node:fs';
export default { name: 'nap', type: 'solo', async run(_, ctx) {
  appendFileSync(${JSON.stringify(join(root, 'started.log'))}, ctx.nodeId + '\\n');
  await new Promise((r, j) => { const t = setTimeout(r, ctx.config.ms); ctx.signal.addEventListener('abort', () => { clearTimeout(t); j(ctx.signal.reason); }); });
  appendFileSync(${JSON.stringify(join(root, 'done.log'))}, ctx.nodeId + '\\n');
}, async teardown(ctx) { if (process.env.NAP_SLOW_TEARDOWN === ctx.nodeId) await new Promise((r) => setTimeout(r, 30000)); appendFileSync(${JSON.stringify(join(root, 'teardown.log'))}, ctx.nodeId + '\\n'); } };\n`);
  writeFileSync(join(root, 'flow.yaml'), `flow:\n  name: naps\nmodules:\n${['a', 'b', 'c'].map((id) => `  - id: ${id}\n    name: nap\n    configs:\n      required:\n        ms: ${id === 'a' ? 50 : 3000}\n`).join('')}connections:\n  control:\n    - "a (1|) b"\n    - "b (1|) c"\n`);
  return root;
}

/** The node ids whose run has begun, in order. */
function started(root: string): string[] {
  const path = join(root, 'started.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, done, output: () => out };
}

describe('signals', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops cleanly, awaits teardown, exits %i and says how to resume', async (sig, code) => {
    const root = project();
    const build = run(root, ['build', 'flow.yaml', '--out', 'jobs']);
    expect(await build.done).toBe(0);
    const r = run(root, ['run', 'jobs/naps']);
    // b has started napping (not merely a finished: a signal between the two stops the run before b sets up).
    await until(() => started(root).includes('b#0'), () => `b#0 to start; pype run's output:\n${r.output()}`, 60_000);
    r.child.kill(sig);
    expect(await r.done).toBe(code);
    expect(r.output()).toMatch(new RegExp(`interrupted by ${sig}`));
    expect(r.output()).toMatch(/resume with: pype run jobs\/naps --resume/);
    expect(readFileSync(join(root, 'teardown.log'), 'utf8')).toContain('b#0');
    expect(existsSync(join(root, 'jobs/naps/.pype.lock'))).toBe(false);

    const resumed = run(root, ['run', 'jobs/naps', '--resume']);
    expect(await resumed.done).toBe(0);
    expect(resumed.output()).toMatch(/a#0: completed before, restored from the checkpoint/);
    expect(readFileSync(join(root, 'done.log'), 'utf8').split('\n').filter(Boolean)).toEqual(['a#0', 'b#0', 'c#0']);
  });

  it('a second signal exits at once', async () => {
    const root = project();
    expect(await run(root, ['build', 'flow.yaml', '--out', 'jobs']).done).toBe(0);
    // b's teardown takes 30 s: it keeps the first, clean stop busy while the second signal arrives.
    const r = run(root, ['run', 'jobs/naps'], { NAP_SLOW_TEARDOWN: 'b#0' });
    await until(() => started(root).includes('b#0'), () => `b#0 to start; pype run's output:\n${r.output()}`, 60_000);
    r.child.kill('SIGINT');
    await until(() => r.output().includes('press Ctrl-C again'), () => `"press Ctrl-C again" after the first SIGINT; the output:\n${r.output()}`);
    const t0 = Date.now();
    r.child.kill('SIGINT');
    expect(await r.done).toBe(130);
    expect(Date.now() - t0).toBeLessThan(15_000); // well before the teardown ends, even on a busy machine
    expect(r.output()).toMatch(/SIGINT again: exiting now/);
  });

  it('SIGINT while a sink streams its input: the sink commits nothing (no partial file at its path)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pype-sig-sink-'));
    const rows = Array.from({ length: 600_000 }, (_, i) => `${i},"name ${i}, quoted",${i / 2}`);
    writeFileSync(join(root, 'in.csv'), `id,name,v\n${rows.join('\n')}\n`);
    writeFileSync(join(root, 'flow.yaml'), `flow:\n  name: copy\nmodules:\n  - { id: read, name: csv_source, configs: { required: { file_path: ${JSON.stringify(join(root, 'in.csv'))} } } }\n  - { id: write, name: csv_sink, configs: { required: { output_path: ${JSON.stringify(join(root, 'out.csv'))} } } }\nconnections:\n  data:\n    - "read.data - write.input"\n`);
    const events = join(root, 'events.jsonl');
    // From the repository, whose modules csv_source and csv_sink are installed.
    const p = run(fileURLToPath(new URL('../../../../', import.meta.url)), ['run', join(root, 'flow.yaml'), '--events', events], { FORCE_COLOR: '0' });
    // Mid-stream: the source has reported rows, and the run has not finished.
    const streaming = () => existsSync(events) && readFileSync(events, 'utf8').split('\n').some((l) => l.includes('"module.progress"') && l.includes('"read#0"'));
    await until(() => streaming() || p.child.exitCode !== null, () => `rows to flow; output:\n${p.output()}`, 60_000, 20);
    if (p.child.exitCode !== null) throw new Error(`the run ended before it could be interrupted; output:\n${p.output()}`);
    p.child.kill('SIGINT');
    expect(await p.done).not.toBe(0);
    expect(p.output()).toMatch(/interrupted by SIGINT/);
    expect(existsSync(join(root, 'out.csv'))).toBe(false);
  }, 120_000);
}, 180_000);

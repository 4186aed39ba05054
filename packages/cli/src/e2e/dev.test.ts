// `pype dev` as a developer runs it: a flow over a CSV of 5000 rows, sampled at 100 rows per source;
// saves of a broken and then a fixed flow are checked and re-run; Ctrl-C ends it with exit 0.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '@pypeline/test-services';
import { BIN, devEnv, ROOT } from './scaffold-helpers.js';

const ROWS = 5000;

function flowText(input: string, output: string, condition: string): string {
  return `flow:\n  name: dev_sample\nmodules:
  - id: read
    name: csv_source
    configs: { required: { file_path: ${JSON.stringify(input)} } }
  - id: keep
    name: filter_mod
    configs: { required: { condition: ${JSON.stringify(condition)} } }
  - id: write
    name: csv_sink
    configs: { required: { output_path: ${JSON.stringify(output)} } }
connections:
  data: ["read.data - keep.input", "keep.output - write.input"]
`;
}

/** `pype dev <flow> ...` started in `cwd`; `waitFor` waits for a text in its output after `from`. */
function startDev(cwd: string, args: string[]) {
  const child = spawn(process.execPath, [BIN, 'dev', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: devEnv() });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (text: string, from: number) => until(() => out.indexOf(text, from) >= 0, () => `"${text}" from pype dev; its output:\n${out}`, 120_000);
  return { child, exited, waitFor, output: () => out };
}

/**
 * A project whose solo module `shout` is developed in it (dev-mods/shout, linked into node_modules
 * as a workspace would): its build copies src/index.js to dist/, and fails on a source saying BROKEN.
 */
function projectWithModuleInDevelopment(): string {
  const root = mkdtempSync(join(tmpdir(), 'pype-dev-mod-'));
  const pkg = join(root, 'dev-mods', 'shout');
  mkdirSync(join(pkg, 'src'), { recursive: true });
  mkdirSync(join(pkg, 'dist'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'dev-project', private: true }));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@pypeline/mod-shout', version: '1.0.0', type: 'module', keywords: ['pypeline-module'], pypeline: { manifest: './pypeline.manifest.json' }, scripts: { build: 'node build.mjs' } }));
  const properties = { text: { type: 'string' } };
  writeFileSync(join(pkg, 'pypeline.manifest.json'), JSON.stringify({
    manifest_version: 1, sdk_api: 1, name: 'shout', entry: './dist/index.js', type: 'solo', description: 'logs its text', category: 'Testing',
    input_ports: [], output_ports: [], globals: [], packages: [], config_schema: { required: properties, optional: {} },
    json_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties, required: ['text'], additionalProperties: false },
  }));
  writeFileSync(join(pkg, 'build.mjs'), `import { copyFileSync, readFileSync } from 'node:fs';
if (readFileSync('src/index.js', 'utf8').includes('BROKEN')) { console.error('src/index.js:1: BROKEN is not allowed here'); process.exit(1); }
copyFileSync('src/index.js', 'dist/index.js');\n`);
  writeFileSync(join(pkg, 'src', 'index.js'), shoutSource('v1'));
  writeFileSync(join(pkg, 'dist', 'index.js'), shoutSource('v1'));
  mkdirSync(join(root, 'node_modules', '@pypeline'), { recursive: true });
  symlinkSync(pkg, join(root, 'node_modules', '@pypeline', 'mod-shout'), 'dir');
  writeFileSync(join(root, 'flow.yaml'), shoutFlow('hello'));
  return root;
}

/** The module's code: it logs its text, after a minute (unless cancelled) when the text is `slow`. */
const shoutSource = (version: string) => `export default { name: 'shout', type: 'solo', async run(_inputs, ctx) {
  if (ctx.config.text === 'slow') await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 60000);
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); });
  });
  ctx.logger.info('${version} says ' + ctx.config.text);
} };\n`;
const shoutFlow = (text: string) => `flow:\n  name: shouting\nmodules:\n  - id: say\n    name: shout\n    configs: { required: { text: ${text} } }\n`;

/** Lines written to the output file, without its header. */
const rowsIn = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1);

describe('pype dev', () => {
  it('checks and re-runs a flow on a sample on every save, and stops with Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-dev-'));
    const input = join(dir, 'in.csv');
    const output = join(dir, 'out.csv');
    writeFileSync(input, `id,name\n${Array.from({ length: ROWS }, (_, i) => `${i},row ${i}`).join('\n')}\n`);
    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, flowText(input, output, 'id >= 0'));

    const dev = startDev(ROOT, [flow, '--limit', '100']);
    const { waitFor } = dev;
    try {
      // The first run: the source passes on 100 of its 5000 rows, all of which the filter keeps.
      await waitFor('… watching', 0);
      expect(dev.output()).toContain('✓ dev_sample succeeded');
      expect(dev.output()).toMatch(/✓ read#0 .* 0 → 100 rows/);
      expect(rowsIn(output)).toHaveLength(100);
      expect(dev.output()).toContain(join('modules', 'csv-source', 'src')); // a workspace module's sources are watched

      // A broken flow: the problem is printed as `pype validate` prints it, and nothing runs.
      let mark = dev.output().length;
      writeFileSync(flow, flowText(input, output, 'nope >= 0'));
      await waitFor('problem', mark);
      await waitFor('… watching', mark);
      const broken = dev.output().slice(mark);
      expect(broken).toMatch(/flow\.yaml:\d+:\d+/);
      expect(broken).toContain('nope');
      expect(broken).not.toContain('succeeded');

      // Fixed: a new sample run with the new result.
      mark = dev.output().length;
      writeFileSync(flow, flowText(input, output, 'id < 10'));
      await waitFor('… watching', mark);
      expect(dev.output().slice(mark)).toContain('✓ dev_sample succeeded');
      expect(dev.output().slice(mark)).toMatch(/✓ keep#0 .* 100 → 10 rows/);
      expect(rowsIn(output)).toEqual(Array.from({ length: 10 }, (_, i) => `${i},row ${i}`));
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exited, dev.output()).toBe(0);
    expect(dev.output()).toContain('stopping pype dev');
  }, 300_000);

  it('rebuilds a module package developed in the workspace when its source is saved, and shows a failed build', async () => {
    const root = projectWithModuleInDevelopment();
    const source = join(root, 'dev-mods', 'shout', 'src', 'index.js');
    const dev = startDev(root, ['flow.yaml']);
    try {
      await dev.waitFor('… watching', 0);
      expect(dev.output()).toContain('v1 says hello');
      expect(dev.output()).toContain(join('dev-mods', 'shout', 'src'));

      let mark = dev.output().length;
      writeFileSync(source, `${shoutSource('v2')}// BROKEN\n`);
      await dev.waitFor('✗ the build of @pypeline/mod-shout failed', mark);
      expect(dev.output().slice(mark)).toContain('src/index.js:1: BROKEN is not allowed here');
      expect(dev.output().slice(mark)).not.toContain('says hello');

      // Built again: the next run imports the new code, not the copy Node loaded first.
      mark = dev.output().length;
      writeFileSync(source, shoutSource('v2'));
      await dev.waitFor('… watching', mark);
      expect(dev.output().slice(mark)).toContain('⚙ building @pypeline/mod-shout');
      expect(dev.output().slice(mark)).toContain('v2 says hello');
    } finally {
      dev.child.kill('SIGINT');
    }
    expect(await dev.exited, dev.output()).toBe(0);
  }, 300_000);

  it('a save during a run cancels it and starts again; Ctrl-C during a run cancels it and exits 0', async () => {
    const root = projectWithModuleInDevelopment();
    const flow = join(root, 'flow.yaml');
    writeFileSync(flow, shoutFlow('slow'));
    const dev = startDev(root, ['flow.yaml']);
    try {
      await dev.waitFor('▶ shouting', 0);
      const mark = dev.output().length;
      writeFileSync(flow, shoutFlow('hello'));
      await dev.waitFor('■ shouting: sample run cancelled', mark);
      await dev.waitFor('… watching', mark);
      expect(dev.output().slice(mark)).toContain('v1 says hello');

      const again = dev.output().length;
      writeFileSync(flow, shoutFlow('slow'));
      await dev.waitFor('▶ shouting', again);
    } finally {
      dev.child.kill('SIGINT');
    }
    // Both slow runs ended through their AbortSignal (a worker terminated after the grace prints nothing).
    expect(await dev.exited, dev.output()).toBe(0);
    expect(dev.output().split('sample run cancelled')).toHaveLength(3);
  }, 300_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SHIM = join(ROOT, 'packages/cli/bin/pype.js');

/**
 * Runs `pype args` in a fresh Node process with a resolution hook that prints every file URL an
 * `import` resolves to (`loaded <url>` on stderr), in `cwd` (default: an empty folder); returns the exit code, the output and those URLs.
 */
function pypeLoads(args: string[], cwd?: string): { code: number | null; output: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'pype-loads-'));
  const hook = join(dir, 'name-loads.mjs');
  writeFileSync(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(\`export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith('file:')) process.stderr.write('loaded ' + r.url + '\\\\n'); return r; }\`));\n`);
  const r = spawnSync(process.execPath, ['--import', hook, SHIM, ...args], { cwd: cwd ?? dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, timeout: 120_000 });
  const loaded = [...new Set([...r.stderr.matchAll(/^loaded (\S+)$/gm)].map((m) => m[1]))];
  return { code: r.status, output: `${r.stdout}${r.stderr.replace(/^loaded .*\n/gm, '')}`, loaded };
}

const matching = (loaded: string[], pattern: RegExp) => loaded.filter((url) => pattern.test(url));
// What only running a flow needs: the engine and what it imports (all of them hundreds of milliseconds of start-up).
const ENGINE = /\/(@pypeline\/core|packages\/core|apache-arrow|ajv|yaml|commander)\//;

// Start-up time is measured by the bench (`pnpm bench -- --suite startup`); this test holds what each command loads.
describe('what pype loads to start', () => {
  it('prints its version from the shim alone (no commander, no engine, no ES module)', () => {
    const r = pypeLoads(['--version']);
    expect(r.code, r.output).toBe(0);
    expect(r.output.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.loaded.map((url) => url.slice(url.lastIndexOf('/packages/cli/') + 1))).toEqual(['packages/cli/bin/pype.js']);
  });

  it('prints the overview with commander and the command index, without the engine', () => {
    const r = pypeLoads(['--help']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('run [options] <job>');
    expect(matching(r.loaded, /\/commander\//).length).toBeGreaterThan(0);
    expect(matching(r.loaded, ENGINE).filter((url) => !url.includes('/commander/'))).toEqual([]);
  });

  it('runs a flow with @pypeline/core, @pypeline/expr and @pypeline/sdk as one bundled file each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pype-loads-flow-'));
    const flow = join(dir, 'flow.yaml');
    writeFileSync(flow, `flow:\n  name: loads\nmodules:\n  - id: read\n    name: csv_source\n    configs:\n      required: { file_path: ${JSON.stringify(join(ROOT, 'examples/data/people.csv'))} }\n  - id: write\n    name: csv_sink\n    configs:\n      required: { output_path: ${JSON.stringify(join(dir, 'out.csv'))} }\nconnections:\n  data:\n    - "read.data - write.input"\n`);
    // In the checkout, whose installed module packages pype discovers.
    const r = pypeLoads(['run', flow], ROOT);
    expect(r.code, r.output).toBe(0);
    for (const pkg of ['core', 'expr', 'sdk']) {
      const files = matching(r.loaded, new RegExp(`/(@pypeline|packages)/${pkg}/`)).map((url) => url.slice(url.lastIndexOf(`/${pkg}/`) + 1));
      expect(files).toEqual([`${pkg}/dist/${pkg}.js`]);
    }
    // Each module package as one file too (its build bundles dist/index.js in place).
    for (const pkg of ['csv-source', 'csv-sink']) {
      const files = matching(r.loaded, new RegExp(`/(modules/|@pypeline/mod-)${pkg}/`)).map((url) => url.slice(url.lastIndexOf(`/${pkg}/`) + 1));
      expect(files).toEqual([`${pkg}/dist/index.js`]);
    }
    // Inside those bundles (yaml, ajv, semver, pino, ...), or loaded only when used (piscina: the worker pool's first task).
    expect(matching(r.loaded, /\/node_modules\/(yaml|ajv|semver|croner|fastest-levenshtein|pino|lossless-json|piscina)\//)).toEqual([]);
    // Into a pipe: the terminal's live block (log-update, string-width and the rest) is not loaded.
    expect(matching(r.loaded, /\/(log-update|string-width|wrap-ansi)\//)).toEqual([]);
  });
}, 300_000);

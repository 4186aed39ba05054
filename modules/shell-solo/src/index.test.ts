import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModuleError } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import { until } from '@pypeline/test-services';
import { describe, expect, it } from 'vitest';
import shellSolo from './index.js';
import { DEFAULTS, type Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));
const NODE = process.execPath;

async function run(config: Config) {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'job' });
  await shellSolo.run({}, ctx);
  return ctx;
}

async function failure(config: Config): Promise<ModuleError> {
  const error = await run(config).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleError);
  return error as ModuleError;
}

// Every test but the first starts a real program: seconds each on a busy machine.
describe('shell_solo', () => {
  it('keeps its code defaults equal to the generated manifest', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const optional = manifest.config_schema.optional;
    const defaults = Object.fromEntries(Object.entries(optional).filter(([, v]) => 'default' in (v as object)).map(([k, v]) => [k, (v as { default: unknown }).default]));
    expect(defaults).toEqual(DEFAULTS);
  });

  it('captures exit code, stdout and stderr into globals', async () => {
    const ctx = await run({ command: NODE, args: ['-e', 'console.log("out " + process.argv[1]); console.error("err")', 'x y'] });
    expect(ctx.globals.get('exit_code')).toBe(0);
    expect(ctx.globals.get('stdout')).toBe('out x y');
    expect(ctx.globals.get('stderr')).toBe('err');
  });

  it('passes templated values as single arguments: shell syntax in them is inert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shell-solo-'));
    const evil = `a.csv; touch ${join(dir, 'pwned')} $(touch ${join(dir, 'pwned2')}) | cat`;
    const ctx = await run({ command: 'echo', args: [evil, '*'], cwd: dir });
    expect(ctx.globals.get('stdout')).toBe(`${evil} *`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails on a non-zero exit with the command and stderr, unless allowed', async () => {
    const args = ['-e', 'console.error("boom"); process.exit(3)'];
    const error = await failure({ command: NODE, args });
    expect(error.message).toMatch(/exited with code 3:\n {2}boom$/);
    expect(error.hint).toContain('ok_exit_codes');
    const allowed = await run({ command: NODE, args, allow_failure: true });
    expect(allowed.globals.get('exit_code')).toBe(3);
    expect((await run({ command: NODE, args, ok_exit_codes: [0, 3] })).globals.get('stderr')).toBe('boom');
  });

  it('uses cwd and env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shell-solo-'));
    const ctx = await run({ command: NODE, args: ['-e', 'console.log(process.cwd(), process.env.PYPE_X)'], cwd: dir, env: { PYPE_X: 'hello' } });
    expect(ctx.globals.get('stdout')).toBe(`${dir} hello`);
  });

  it('explains a command line given as command', async () => {
    const error = await failure({ command: 'gzip -k file.csv' });
    expect(error.message).toBe('cannot run "gzip -k file.csv": no such program');
    expect(error.hint).toContain('put each argument in args');
    expect(error.retryable).toBe(false);
  });

  it('stops a program that runs past the timeout, and keeps output within max_output_bytes', async () => {
    const error = await failure({ command: NODE, args: ['-e', 'setTimeout(() => {}, 10000)'], timeout: 1 });
    expect(error.message).toMatch(/did not finish within 1 s and was stopped/);
    const ctx = await run({ command: NODE, args: ['-e', 'process.stdout.write("x".repeat(100))'], max_output_bytes: 10 });
    expect(ctx.globals.get('stdout')).toBe('x'.repeat(10));
    expect(ctx.logs.map((l) => l.msg)).toContain('stdout exceeded max_output_bytes; 90 bytes were dropped');
  });

  it('stops the program when the run is aborted', async () => {
    // The program says it started by creating a file; the run is aborted once it is there.
    const started = join(mkdtempSync(join(tmpdir(), 'shell-solo-')), 'started');
    const program = `require('node:fs').writeFileSync(${JSON.stringify(started)}, ''); setTimeout(() => {}, 10000)`;
    const ctx = createTestContext<Config>({ config: { command: NODE, args: ['-e', program] }, manifest: MANIFEST });
    const running = shellSolo.run({}, ctx);
    await until(() => existsSync(started), 'the program to start');
    ctx.abort(new Error('run cancelled'));
    await expect(running).rejects.toThrow('run cancelled');
  });
}, 60_000);

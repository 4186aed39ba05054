import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from './cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/sample-module', import.meta.url));

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'codegen-cli-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function recorder(): CliIO & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('pypeline-codegen', () => {
  it('writes pypeline.manifest.json and then passes --check', async () => {
    const dir = copyFixture();
    expect(await main(['--cwd', dir, '--write'], recorder())).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'pypeline.manifest.json'), 'utf8'));
    expect(manifest.name).toBe('sample_source');
    expect(readFileSync(join(dir, 'pypeline.flow.js'), 'utf8')).toContain('export function sampleSource(id, config, options = {})');
    expect(readFileSync(join(dir, 'pypeline.flow.d.ts'), 'utf8')).toContain("import type { Config } from './lib/config.js';");
    const io = recorder();
    expect(await main(['--cwd', dir, '--check'], io)).toBe(0);
    expect(io.lines.filter((l) => l.includes('is up to date'))).toHaveLength(3);
  });

  it('--check fails on a stale typed factory too', async () => {
    const dir = copyFixture();
    await main(['--cwd', dir, '--write'], recorder());
    const path = join(dir, 'pypeline.flow.d.ts');
    writeFileSync(path, readFileSync(path, 'utf8').replace("'data'", "'rows'"));
    const io = recorder();
    expect(await main(['--cwd', dir, '--check'], io)).toBe(1);
    expect(io.lines.join('\n')).toContain(`${path} is stale`);
  });

  it('--check fails naming the stale file and the fix', async () => {
    const dir = copyFixture();
    await main(['--cwd', dir, '--write'], recorder());
    const path = join(dir, 'pypeline.manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Reads a sample', 'Old description'));
    const io = recorder();
    expect(await main(['--cwd', dir, '--check'], io)).toBe(1);
    const text = io.lines.join('\n');
    expect(text).toContain(`${path} is stale`);
    expect(text).toContain('Old description');
    expect(text).toContain('run `pnpm build`');
  });

  it('--check fails when the manifest was never generated', async () => {
    const io = recorder();
    expect(await main(['--cwd', copyFixture(), '--check'], io)).toBe(1);
    expect(io.lines.join('\n')).toMatch(/pypeline\.manifest\.json is missing/);
  });

  it('prints each problem without a stack trace', async () => {
    const dir = copyFixture();
    writeFileSync(join(dir, 'lib/index.js'), `export default { name: 'x', type: 'sink', description: 'd', category: 'c', run() {} };`);
    const io = recorder();
    expect(await main(['--cwd', dir], io, {})).toBe(1);
    expect(io.lines[0]).toBe('pypeline-codegen: @pypeline/mod-sample-source has 2 problem(s):');
    expect(io.lines.slice(1).join('\n')).not.toMatch(/\n\s+at /);
  });

  it('checks instead of writing under CI unless --write is given', async () => {
    const dir = copyFixture();
    const io = recorder();
    expect(await main(['--cwd', dir], io, { CI: 'true' })).toBe(1);
    expect(io.lines.join('\n')).toContain('pypeline.manifest.json is missing');
    expect(await main(['--cwd', dir, '--write'], recorder(), { CI: 'true' })).toBe(0);
    expect(await main(['--cwd', dir], recorder(), { CI: 'true' })).toBe(0);
    expect(await main(['--cwd', dir], recorder(), { CI: 'false' })).toBe(0);
  });

  it('rejects unknown flags with usage', async () => {
    const io = recorder();
    expect(await main(['--nope'], io)).toBe(2);
    expect(io.lines[0]).toContain('Usage: pypeline-codegen');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFakeModule, type FakeModule } from './fake-modules.js';
import { output, pype } from './scaffold-helpers.js';

const PKG = '@acme/pypeline-mod-greet-solo';
const V1: FakeModule = {
  package: PKG, version: '1.4.0', name: 'greet_solo', required: ['text'],
  properties: { text: { type: 'string' }, loud: { type: 'boolean', default: false }, token: { type: 'string', secret: true } },
};
// The 2.0.0 release renames `text` to `message`, turns `loud` into `volume` and ships the migration.
const V2: FakeModule = {
  ...V1, version: '2.0.0', required: ['message'],
  properties: { message: { type: 'string' }, volume: { type: 'string', default: 'normal' }, token: { type: 'string', secret: true } },
  extra: `migrations: { 2: ({ text, loud, ...rest }) => ({ ...rest, message: text, ...(loud ? { volume: 'loud' } : {}) }) }`,
};

const FLOW = `# Greets the world, loudly.
flow:
  name: greet
modules:
  - id: hello # the greeter
    name: greet_solo
    configs:
      required:
        text: "hello world"
      optional:
        loud: true
        token: s3cret-value # from the vault
`;

describe('pype upgrade across a major bump of a module', { timeout: 180_000 }, () => {
  it('stops the old job, migrates the flow\'s configs, rebuilds, and runs again', () => {
    const project = mkdtempSync(join(tmpdir(), 'pype-upgrade-'));
    installFakeModule(project, V1);
    const flow = join(project, 'greet.yaml');
    writeFileSync(flow, FLOW);
    const built = pype(['build', 'greet.yaml'], project);
    expect(built.status, output(built)).toBe(0);

    installFakeModule(project, V2);
    const stale = pype(['run', 'jobs/greet'], project);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`the job pins ${PKG}@1.4.0 but 2.0.0 is installed (a different major version)`);
    const invalid = pype(['validate', 'greet.yaml'], project);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toContain(`this config was written for an older major, and the installed version's migrations fix it: hello (${PKG} 1.4.0 → 2.0.0): run \`pype upgrade greet.yaml\``);

    const dry = pype(['upgrade', 'greet.yaml', '--dry-run'], project);
    expect(dry.status, output(dry)).toBe(0);
    expect(readFileSync(flow, 'utf8')).toBe(FLOW);
    expect(dry.stdout).toContain('(dry run: greet.yaml was not changed)');

    const up = pype(['upgrade', 'greet.yaml'], project);
    expect(up.status, output(up)).toBe(0);
    expect(up.stdout).toContain(`↑ hello (greet_solo): ${PKG} 1.4.0 → 2.0.0 (migrated to 2)`);
    expect(up.stdout).toContain('    ~ required.text → required.message');
    expect(up.stdout).toContain('    - optional.loud: true');
    expect(up.stdout).toContain('    + optional.volume: "loud"');
    expect(up.stdout).toContain('✓ rewrote greet.yaml');
    expect(up.stdout).toMatch(/✓ rebuilt .*jobs\/greet: it now pins @acme\/pypeline-mod-greet-solo@2\.0\.0/);
    expect(`${up.stdout}${up.stderr}`).not.toContain('s3cret-value');
    expect(readFileSync(flow, 'utf8')).toBe(`# Greets the world, loudly.
flow:
  name: greet
modules:
  - id: hello # the greeter
    name: greet_solo
    configs:
      required:
        message: "hello world"
      optional:
        token: s3cret-value # from the vault
        volume: loud
`);

    const rerun = pype(['run', 'jobs/greet'], project);
    expect(rerun.status, output(rerun)).toBe(0);
    expect(rerun.stdout).toContain('hello world');
    const again = pype(['upgrade', 'greet.yaml'], project);
    expect(again.stdout).toContain('✓ greet.yaml is up to date with the installed modules');
  });

  it('asks for the versions when there is no built job, and accepts --from', () => {
    const project = mkdtempSync(join(tmpdir(), 'pype-upgrade-'));
    installFakeModule(project, V2);
    writeFileSync(join(project, 'greet.yaml'), FLOW);
    // With no job to read the pins from, validate finds the older major whose migration fixes the config.
    const invalid = pype(['validate', 'greet.yaml', '--json'], project);
    expect(invalid.status).toBe(1);
    expect(JSON.parse(invalid.stdout).upgrade_hint).toBe(`this config was written for an older major, and the installed version's migrations fix it: hello (${PKG} 1.0.0 → 2.0.0): run \`pype upgrade greet.yaml --from hello=1\``);
    const unknown = pype(['upgrade', 'greet.yaml'], project);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('✗ cannot tell which module versions greet.yaml was written for: no built job at jobs/greet');
    expect(unknown.stderr).toContain('fix: pass --job <job folder>');
    const from = pype(['upgrade', 'greet.yaml', '--from', 'greet_solo=1'], project);
    expect(from.status, output(from)).toBe(0);
    expect(from.stdout).toContain('  rebuild the job: pype build greet.yaml');
    expect(readFileSync(join(project, 'greet.yaml'), 'utf8')).toContain('message: "hello world"');

    // A mistake no migration fixes gets no upgrade hint.
    writeFileSync(join(project, 'greet.yaml'), FLOW.replace('text: "hello world"', 'txet: "hello world"').replace('loud: true', 'loud: 3'));
    const typo = pype(['validate', 'greet.yaml'], project);
    expect(typo.status).toBe(1);
    expect(typo.stderr).not.toContain('pype upgrade');
  });

  it('runs a job pinned to the old major while the new one is installed beside it under an npm alias', () => {
    const project = mkdtempSync(join(tmpdir(), 'pype-upgrade-'));
    installFakeModule(project, V1);
    writeFileSync(join(project, 'greet.yaml'), FLOW);
    const built = pype(['build', 'greet.yaml'], project);
    expect(built.status, output(built)).toBe(0);
    // `npm install @acme/pypeline-mod-greet-solo@2 pypeline-mod-greet-solo-v1@npm:@acme/pypeline-mod-greet-solo@1`
    installFakeModule(project, V2);
    installFakeModule(project, { ...V1, installAs: 'pypeline-mod-greet-solo-v1' });
    const listed = pype(['list-modules', '--json', '--no-check'], project);
    expect(JSON.parse(listed.stdout).modules.map((m: { version: string }) => m.version).sort()).toEqual(['1.4.0', '2.0.0']);
    const old = pype(['run', 'jobs/greet'], project);
    expect(old.status, output(old)).toBe(0);
    expect(old.stdout).toContain('hello world');
    // A new build takes the newest major, so the flow is upgraded first.
    const up = pype(['upgrade', 'greet.yaml', '--from', 'greet_solo=1.4.0'], project);
    expect(up.status, output(up)).toBe(0);
    const rebuilt = pype(['build', 'greet.yaml', '--out', 'jobs-v2'], project);
    expect(rebuilt.status, output(rebuilt)).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'jobs-v2/greet/greet_dag.json'), 'utf8')).nodes.hello.version).toBe('2.0.0');
    expect(pype(['run', 'jobs-v2/greet'], project).status).toBe(0);
    expect(pype(['run', 'jobs/greet'], project).status).toBe(0);
  });
});

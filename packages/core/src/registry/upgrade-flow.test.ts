import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlow } from '../build/build.js';
import { PypeError } from '../errors.js';
import { installFakeModule, type FakeModule } from './fake-module-package.js';
import { upgradeFlow } from './upgrade-flow.js';

const PKG = '@acme/pypeline-mod-greet-solo';
const V1: FakeModule = {
  package: PKG, version: '1.4.0', name: 'greet_solo',
  schema: { required: ['text'], properties: { text: { type: 'string' }, loud: { type: 'boolean', default: false }, token: { type: 'string', secret: true } } },
};
// v2 renames `text` to `message` and turns `loud` into `volume`; v3 changes no config.
const V2: FakeModule = {
  ...V1, version: '2.0.0',
  schema: { required: ['message'], properties: { message: { type: 'string' }, volume: { type: 'string', enum: ['normal', 'loud'], default: 'normal' }, token: { type: 'string', secret: true } } },
  extra: `migrations: { 2: ({ text, loud, ...rest }) => ({ ...rest, message: text, ...(loud ? { volume: 'loud' } : {}) }) }`,
};
const V3: FakeModule = { ...V2, version: '3.1.0' };

const FLOW = `# Greets people.
flow:
  name: greet
context:
  default: { who: world }
modules:
  - id: hello   # the greeter
    name: greet_solo
    configs:
      required:
        text: "hello {{context.who}}"
      optional:
        loud: true  # shout it
        token: s3cret # from the vault
  - id: bye
    name: greet_solo
    configs:
      required: { text: bye }
`;

function projectWith(m: FakeModule): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'pype-upgrade-'));
  installFakeModule(root, m);
  const file = join(root, 'greet.yaml');
  writeFileSync(file, FLOW);
  return { root, file };
}

describe('upgradeFlow', () => {
  it('migrates from a 0.x release: its first breaking release is 1.0.0, with the migration keyed 1', async () => {
    const V1_FROM_0: FakeModule = { ...V2, version: '1.0.0', extra: V2.extra!.replace('2:', '1:') };
    const { root, file } = projectWith(V1_FROM_0);
    const result = await upgradeFlow(file, { from: { greet_solo: '0.3.0' }, searchDirs: [root] });
    expect(result.upgrades.map((u) => [u.id, u.from, u.to, u.steps])).toEqual([
      ['hello', '0.3.0', '1.0.0', [{ major: 1, migrated: true }]],
      ['bye', '0.3.0', '1.0.0', [{ major: 1, migrated: true }]],
    ]);
    expect(readFileSync(file, 'utf8')).toContain('message: "hello {{context.who}}"');
  });

  it('migrates configs across majors, keeps comments, and reports each change', async () => {
    const { root, file } = projectWith(V3);
    const result = await upgradeFlow(file, { from: { greet_solo: '1.4.0' }, searchDirs: [root] });
    expect(result.written).toBe(true);
    expect(result.skipped).toEqual([]);
    expect(result.upgrades.map((u) => [u.id, u.from, u.to, u.steps])).toEqual([
      ['hello', '1.4.0', '3.1.0', [{ major: 2, migrated: true }, { major: 3, migrated: false }]],
      ['bye', '1.4.0', '3.1.0', [{ major: 2, migrated: true }, { major: 3, migrated: false }]],
    ]);
    expect(result.upgrades[0].changes).toEqual([
      { key: 'message', kind: 'renamed', oldKey: 'text', from: 'required', to: 'required', before: 'hello {{context.who}}', after: 'hello {{context.who}}' },
      { key: 'loud', kind: 'removed', from: 'optional', before: true },
      { key: 'volume', kind: 'added', to: 'optional', after: 'loud' },
    ]);
    expect(result.upgrades[0].secrets).toEqual(['token']);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`# Greets people.
flow:
  name: greet
context:
  default: { who: world }
modules:
  - id: hello # the greeter
    name: greet_solo
    configs:
      required:
        message: "hello {{context.who}}"
      optional:
        token: s3cret # from the vault
        volume: loud
  - id: bye
    name: greet_solo
    configs:
      required: { message: bye }
`);
  });

  it('reads the pinned versions from a built job and leaves current modules alone', async () => {
    const { root, file } = projectWith(V1);
    const jobs = join(root, 'jobs');
    const { jobDir } = buildFlow(file, { outDir: jobs, searchDirs: [root] });
    const same = await upgradeFlow(file, { jobDir, searchDirs: [root] });
    expect(same).toMatchObject({ upgrades: [], skipped: [], written: false, text: FLOW });

    installFakeModule(root, V2);
    const dry = await upgradeFlow(file, { jobDir, searchDirs: [root], dryRun: true });
    expect(dry.written).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(FLOW);
    expect(dry.text).toContain('message: "hello {{context.who}}"');
    const done = await upgradeFlow(file, { jobDir, searchDirs: [root] });
    expect(done.upgrades.map((u) => `${u.id} ${u.from} -> ${u.to}`)).toEqual(['hello 1.4.0 -> 2.0.0', 'bye 1.4.0 -> 2.0.0']);
    // The upgraded flow builds against the new major.
    expect(buildFlow(file, { outDir: jobs, searchDirs: [root] }).plan.dag.nodes.hello.version).toBe('2.0.0');
  });

  it('skips what it cannot upgrade and says why', async () => {
    const { root, file } = projectWith(V1);
    const result = await upgradeFlow(file, { from: { hello: '2.0.0', bye: 'two' }, searchDirs: [root] });
    expect(result.skipped).toEqual([
      { id: 'hello', reason: `${PKG}@1.4.0 is installed but the flow was written for 2.0.0, a newer major: install ${PKG}@2` },
      { id: 'bye', reason: '--from two is not a version: write e.g. 1 or 1.4.2' },
    ]);
  });

  it('names the module and package when a migration throws', async () => {
    const { root, file } = projectWith({ ...V2, extra: `migrations: { 2: () => { throw new Error('cannot map text'); } }` });
    const failed = upgradeFlow(file, { from: { greet_solo: '1' }, searchDirs: [root] });
    await expect(failed).rejects.toThrow(PypeError);
    await expect(upgradeFlow(file, { from: { greet_solo: '1' }, searchDirs: [root] })).rejects.toThrow(
      `hello: ${PKG}@2.0.0 failed to migrate its config from 1: cannot map text`,
    );
  });

  it('asks for the versions the flow was written for when it cannot tell', async () => {
    const { root, file } = projectWith(V2);
    await expect(upgradeFlow(file, { searchDirs: [root] })).rejects.toThrow(/cannot tell which module versions .* was written for/);
  });
});

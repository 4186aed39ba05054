import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PathOutsideRootError, type ModuleOutputs } from '@pypeline/sdk';
import { createTestContext } from '@pypeline/sdk/testing';
import type { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import fileList from './index.js';
import type { Config } from './config.js';

const MANIFEST = fileURLToPath(new URL('../pypeline.manifest.json', import.meta.url));

/** `<base>/root/data` (a.csv, b.csv) beside `<base>/outside` (secret.csv). */
function sandbox() {
  const base = mkdtempSync(join(tmpdir(), 'file-list-root-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  for (const f of ['a.csv', 'b.csv']) writeFileSync(join(root, 'data', f), f);
  writeFileSync(join(base, 'outside', 'secret.csv'), 'secret');
  return { base, root, data: join(root, 'data') };
}

async function list(config: Config, allowedRoot?: string): Promise<string[]> {
  const ctx = createTestContext<Config>({ config, manifest: MANIFEST, moduleId: 'files', allowedRoot });
  const table = ((await fileList.run({}, ctx)) as ModuleOutputs).files as Table;
  return table.toArray().map((r) => r.path as string);
}

describe('file_list stays inside its folder and the allowed root', () => {
  it('refuses a pattern that climbs out of the folder with "..", with or without a root', async () => {
    const { data, root } = sandbox();
    writeFileSync(join(root, 'top.csv'), 'top');
    for (const pattern of ['../../outside/*', '../*', 'sub/../../*', '..']) {
      for (const allowed of [undefined, root]) {
        const error = await list({ directory: data, pattern }, allowed).catch((e: unknown) => e);
        expect((error as Error).message).toBe(`pattern "${pattern}" climbs out of the folder with ".."`);
        expect((error as { hint: string }).hint).toMatch(/set directory to the folder to list/);
      }
    }
  });

  it('refuses a listed entry whose symlink points outside the root, naming it', async () => {
    const { base, data, root } = sandbox();
    symlinkSync(join(base, 'outside', 'secret.csv'), join(data, 'leak.csv'));
    const error = await list({ directory: data, pattern: '*.csv' }, root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PathOutsideRootError);
    expect((error as Error).message).toBe(`files: listed file ${join(data, 'leak.csv')} points outside settings.allowed_root: ${join(data, 'leak.csv')} (it resolves to ${join(base, 'outside', 'secret.csv')}) is not inside ${root}`);
  });

  it('refuses files reached through a symlinked subfolder pointing outside (recursive)', async () => {
    const { base, data, root } = sandbox();
    symlinkSync(join(base, 'outside'), join(data, 'sub'));
    await expect(list({ directory: data, pattern: '*.csv', recursive: true }, root)).rejects.toThrow(/listed file .*sub\/secret\.csv points outside settings\.allowed_root/);
  });

  it('lists normally inside the root, links that stay inside included', async () => {
    const { data, root } = sandbox();
    symlinkSync(join(data, 'a.csv'), join(data, 'c.csv'));
    expect(await list({ directory: data, pattern: '*.csv' }, root)).toEqual(['a.csv', 'b.csv', 'c.csv'].map((f) => join(data, f)));
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundary rules live in the root eslint.config.js; these tests lint snippets as if they
// were files at the given paths, so a rule that stops firing (or fires on allowed code) fails here.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const use = (from: string) => `import * as dep from '${from}';\nexport const used = dep;\n`;

describe('architecture boundaries (eslint.config.js)', () => {
  it.each([
    ['modules/x/src/index.ts', '@pypeline/core', 'modules use the SDK'],
    ['modules/x/src/index.ts', '@pypeline/mod-csv-source', 'modules use the SDK'],
    ['modules/x/src/index.ts', '@pypeline/stream-connectors', 'modules use the SDK'],
    ['modules/x/src/index.test.ts', '@pypeline/executor-bullmq', 'modules use the SDK (tests)'],
    ['modules/x/src/index.ts', '@pypeline/test-services', 'modules use the SDK'],
    ['packages/core/src/run/x.ts', '@pypeline/mod-filter-mod', 'core is the engine'],
    ['packages/core/src/run/x.ts', '@pypeline/cli', 'core is the engine'],
    ['packages/core/src/run/x.test.ts', '@pypeline/stream', 'core is the engine'],
    ['packages/sdk/src/x.ts', '@pypeline/expr', 'sdk is the leaf'],
    ['packages/expr/src/x.ts', '@pypeline/core', 'expr and parquet are leaves'],
    ['packages/verbs/src/x.ts', '@pypeline/core', 'helpers import leaves'],
    ['packages/object-store/src/x.ts', '@pypeline/verbs', 'helpers import leaves'],
    ['packages/stream/src/x.ts', '@pypeline/mod-derive-mod', 'runtimes sit on core'],
    ['packages/server/src/x.test.ts', '@pypeline/cli', 'runtime tests'],
    ['tools/codegen/src/x.ts', '@pypeline/cli', 'nothing imports the cli'],
  ])('%s may not import %s', async (file, from, rule) => {
    const found = await problems(file, use(from));
    expect(found).toEqual([expect.stringContaining(`no-restricted-imports: '${from}' import is restricted`)]);
    expect(found[0]).toContain(`architecture boundary "${rule}"`);
    expect(found[0]).toContain('ARCHITECTURE.md');
  });

  it('checks dynamic import() and relative paths into another package too', async () => {
    expect(await problems('modules/x/src/index.ts', "export const load = () => import('@pypeline/core');\n"))
      .toEqual([expect.stringMatching(/^no-restricted-syntax: architecture boundary "modules use the SDK"/)]);
    expect(await problems('packages/core/src/x.ts', use('../../../modules/csv-source/src/index.js')))
      .toEqual([expect.stringContaining('architecture boundary "packages by name"')]);
  });

  it.each([
    ['modules/x/src/index.ts', ['@pypeline/sdk', '@pypeline/expr', '@pypeline/verbs', '@pypeline/parquet', '@pypeline/postgres', '@pypeline/object-store', 'apache-arrow', 'node:fs']],
    ['modules/x/src/index.test.ts', ['@pypeline/sdk/testing', '@pypeline/test-services']],
    ['packages/core/src/run/x.ts', ['@pypeline/sdk', '@pypeline/expr', '@pypeline/parquet', './local.js']],
    ['packages/expr/src/x.ts', ['@pypeline/sdk']],
    ['packages/postgres/src/x.test.ts', ['@pypeline/sdk', '@pypeline/test-services']],
    ['packages/stream/src/x.test.ts', ['@pypeline/mod-derive-mod']],
    ['packages/cli/src/x.ts', ['@pypeline/core', '@pypeline/stream-connectors', '@pypeline/executor-bullmq']],
  ])('%s may import %j', async (file, allowed) => {
    for (const from of allowed) expect(await problems(file, use(from))).toEqual([]);
  });

  it('covers every workspace package (a new one must be given its layer in eslint.config.js)', async () => {
    const dirs = ['packages', 'modules', 'tools']
      .flatMap((group) => readdirSync(join(ROOT, group)).map((name) => `${group}/${name}`))
      .concat('bench')
      .filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
    const unchecked: string[] = [];
    for (const dir of dirs) {
      const config = await eslint.calculateConfigForFile(join(ROOT, dir, 'src/x.ts'));
      if (!config?.rules?.['no-restricted-imports']) unchecked.push(dir);
    }
    expect(unchecked).toEqual([]);
  });
});

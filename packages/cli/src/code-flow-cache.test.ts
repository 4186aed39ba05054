import { appendFileSync, chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedFlow, keepContextSchema, keepFlow } from './code-flow-cache.js';

describe('the compiled-flow cache', () => {
  let dir: string;
  const saved = process.env.PYPE_FLOW_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pype-flow-cache-test-'));
    process.env.PYPE_FLOW_CACHE_DIR = join(dir, 'cache');
    writeFileSync(join(dir, 'flow.ts'), "import type { Paths } from './paths';\nimport { name } from './name.js';\nexport interface Context extends Paths {}\nexport default name;\n");
    writeFileSync(join(dir, 'paths.ts'), 'export interface Paths { data_dir: string }\n');
    writeFileSync(join(dir, 'name.ts'), "export const name = 'x';\n");
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PYPE_FLOW_CACHE_DIR;
    else process.env.PYPE_FLOW_CACHE_DIR = saved;
  });
  const flow = () => join(dir, 'flow.ts');
  // esbuild's metafile names the files the bundle read; the type-only import is not among them.
  const keep = () => keepFlow(flow(), 'v1', [flow(), join(dir, 'name.ts')], { code: 'export default "x";' });

  it('hands back what was kept, with the Context schema once it is known', () => {
    expect(cachedFlow(flow(), 'v1')).toBeUndefined();
    keep();
    expect(cachedFlow(flow(), 'v1')).toEqual({ code: 'export default "x";' });
    keepContextSchema(flow(), { type: 'object' });
    expect(cachedFlow(flow(), 'v1')).toEqual({ code: 'export default "x";', contextSchema: { type: 'object' } });
    keepContextSchema(flow(), null);
    expect(cachedFlow(flow(), 'v1')?.contextSchema).toBeNull();
  });

  it('is stale when the flow, a file it bundles, or a file it imports only types from changes', () => {
    for (const changed of ['flow.ts', 'name.ts', 'paths.ts']) {
      keep();
      expect(cachedFlow(flow(), 'v1'), changed).toBeDefined();
      appendFileSync(join(dir, changed), '// edited\n');
      expect(cachedFlow(flow(), 'v1'), changed).toBeUndefined();
    }
  });

  it.skipIf(process.platform === 'win32')('is not used in a folder others may write to (its code would run)', () => {
    keep();
    chmodSync(join(dir, 'cache'), 0o777);
    expect(cachedFlow(flow(), 'v1')).toBeUndefined();
    chmodSync(join(dir, 'cache'), 0o700);
    expect(cachedFlow(flow(), 'v1')).toBeDefined();
  });

  it('is stale for other compiler versions', () => {
    keep();
    expect(cachedFlow(flow(), 'v2')).toBeUndefined();
  });
});

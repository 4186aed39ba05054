import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardPath, PathOutsideRootError } from './path-guard.js';

const labels = { where: 'out: config "output_path"', rootName: 'settings.allowed_root', fix: 'use a path under the root' };

/** `<base>/root` (data/a.csv, `out` → ../outside, `dangling` → ../outside/new.csv, `loop` → itself) beside `<base>/outside`. */
function sandbox() {
  const base = mkdtempSync(join(tmpdir(), 'sdk-guard-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  mkdirSync(join(base, 'root2'));
  writeFileSync(join(root, 'data', 'a.csv'), 'x');
  symlinkSync(join(base, 'outside'), join(root, 'out'));
  symlinkSync(join(base, 'outside', 'new.csv'), join(root, 'dangling'));
  symlinkSync(join(root, 'loop'), join(root, 'loop'));
  symlinkSync(join(root, 'data'), join(root, 'inner'));
  return { base, root };
}

function refusal(path: string, root: string): PathOutsideRootError {
  try {
    guardPath(path, root, labels);
  } catch (error) {
    return error as PathOutsideRootError;
  }
  throw new Error(`${path} was let through`);
}

describe('guardPath', () => {
  it('returns the absolute path of anything inside the root, existing or not, through links that stay inside', () => {
    const { root } = sandbox();
    expect(guardPath(join(root, 'data', 'a.csv'), root, labels)).toBe(join(root, 'data', 'a.csv'));
    expect(guardPath(join(root, 'new', 'deep', 'b.parquet'), root, labels)).toBe(join(root, 'new', 'deep', 'b.parquet'));
    expect(guardPath(join(root, 'data', '..', 'c.json'), root, labels)).toBe(join(root, 'c.json'));
    expect(guardPath(join(root, 'inner', 'a.csv'), root, labels)).toBe(join(root, 'inner', 'a.csv'));
    expect(guardPath(join(root, '..foo'), root, labels)).toBe(join(root, '..foo'));
    expect(guardPath(root, root, labels)).toBe(root);
  });

  it.each([
    ['a ../ escape', (b: string, r: string) => join(r, 'data', '..', '..', 'outside', 'x.parquet')],
    ['an absolute path elsewhere', (b: string) => join(b, 'outside', 'x.parquet')],
    ['a sibling folder whose name starts like the root', (b: string) => join(b, 'root2', 'x.parquet')],
    ['a new file under a symlinked folder pointing outside', (b: string, r: string) => join(r, 'out', 'sub', 'x.parquet')],
    ['a dangling symlink pointing outside', (b: string, r: string) => join(r, 'dangling')],
    ['a symlink loop', (b: string, r: string) => join(r, 'loop', 'x')],
  ])('refuses %s, naming the field, the value, the root and the fix', (_, make) => {
    const { base, root } = sandbox();
    const path = make(base, root);
    const error = refusal(path, root);
    expect(error).toBeInstanceOf(PathOutsideRootError);
    expect(error.message).toContain(`out: config "output_path" points outside settings.allowed_root: ${path}`);
    expect(error.message).toContain(`is not inside ${root}`);
    expect(error.hint).toBe('use a path under the root');
    expect(error.retryable).toBe(false);
  });

  it('says where a link leads', () => {
    const { base, root } = sandbox();
    expect(refusal(join(root, 'out', 'x.csv'), root).message).toContain(`(it resolves to ${join(base, 'outside', 'x.csv')})`);
  });
});

describe('guardPath with object-storage paths', () => {
  it('lets through a key under an s3:// root, on a / boundary', () => {
    expect(guardPath('s3://data/in/a.csv', 's3://data/in/', labels)).toBe('s3://data/in/a.csv');
    expect(guardPath('s3://data/in/a.csv', 's3://data/in', labels)).toBe('s3://data/in/a.csv');
    expect(guardPath('s3://data/any/key', 's3://data', labels)).toBe('s3://data/any/key');
  });

  it('refuses another bucket, a sibling prefix and dot segments', () => {
    expect(refusal('s3://other/in/a.csv', 's3://data/in').message).toContain('is not inside s3://data/in');
    expect(refusal('s3://data/inbox/a.csv', 's3://data/in').message).toContain('is not inside');
    expect(refusal('s3://data/in/../secret/a.csv', 's3://data/in').message).toContain('".." segment');
  });

  it('never mixes a local root and an s3 path', () => {
    const { root } = sandbox();
    // Resolved as a local path, s3://x would land inside the working directory: it must not pass.
    const error = refusal('s3://data/a.csv', root);
    expect(error).toBeInstanceOf(PathOutsideRootError);
    expect(error.message).toContain('is in object storage');
    expect(refusal(join(root, 'data', 'a.csv'), 's3://data').message).toContain('is a local path');
  });
});

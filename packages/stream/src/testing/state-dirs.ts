import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary state folders for tests, removed by `clean()` (pass it to afterEach). */
export function stateDirs(prefix: string): { make(): string; clean(): void } {
  const made: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), `pype-${prefix}-`));
      made.push(dir);
      return dir;
    },
    clean: () => {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

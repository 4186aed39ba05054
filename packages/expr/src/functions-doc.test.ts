import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { functionsMarkdown } from './functions-doc.js';
import { FUNCTIONS } from './functions.js';

const DOC = fileURLToPath(new URL('../../../docs/functions.md', import.meta.url));

describe('docs/functions.md', () => {
  it('is generated from the function table (run `pnpm --filter @pypeline/expr gen:docs` when this fails)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(functionsMarkdown());
  });

  it('documents every function and alias', () => {
    const doc = functionsMarkdown();
    for (const f of FUNCTIONS) {
      expect(doc).toContain(`\`${f.signature.replace(/\|/g, '\\|')}\``);
      for (const a of f.aliases ?? []) expect(doc).toContain(`\`${a}\``);
    }
  });
});

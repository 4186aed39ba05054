import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { paletteMarkdown } from './palette-doc.js';

const DOC = fileURLToPath(new URL('../../../../docs/stream-palette.md', import.meta.url));

it('docs/stream-palette.md is up to date with the palette (pnpm --filter @pypeline/stream-connectors gen:docs)', () => {
  expect(readFileSync(DOC, 'utf8')).toBe(paletteMarkdown());
});

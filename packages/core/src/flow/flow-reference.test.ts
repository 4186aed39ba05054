import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flowSchema } from './flow-schema.js';

/** Every key path the schema defines, written as the reference writes them (`modules[].id`). */
function keyPaths(schema: any, prefix = ''): string[] {
  const out: string[] = [];
  const props = schema.properties ?? schema.items?.properties;
  const base = schema.items ? `${prefix}[]` : prefix;
  for (const [k, sub] of Object.entries<any>(props ?? {})) {
    const path = base ? `${base}.${k}` : k;
    out.push(path, ...keyPaths(sub, path));
  }
  return out;
}

describe('docs/flow-reference.md', () => {
  it('documents every key of the flow JSON Schema', () => {
    const doc = readFileSync(new URL('../../../../docs/flow-reference.md', import.meta.url), 'utf8');
    const missing = keyPaths(flowSchema()).filter((p) => !doc.includes(`\`${p}\``));
    expect(missing).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateContextSchema } from './generate-context-schema.js';

function flowFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'codegen-ctx-')), 'app.ts');
  writeFileSync(file, text);
  return file;
}

describe('generateContextSchema', () => {
  it('turns the exported Context type into a JSON Schema with exact keys', () => {
    const schema = generateContextSchema(flowFile(`import { flow } from '@pypeline/core';
export interface Context {
  /** Folder to read */
  input: string;
  /** @asType integer */
  batch: number;
  mode?: 'full' | 'delta';
}
export default flow<Context>({ name: 'x' });
`));
    expect(schema).toEqual({
      type: 'object',
      properties: { input: { type: 'string', description: 'Folder to read' }, batch: { type: 'integer' }, mode: { type: 'string', enum: ['full', 'delta'] } },
      required: ['input', 'batch'],
      additionalProperties: false,
    });
  });

  it('is undefined for a flow that exports no Context type', () => {
    expect(generateContextSchema(flowFile(`interface Context { a: string }\nexport default 1;\n`))).toBeUndefined();
  });
});

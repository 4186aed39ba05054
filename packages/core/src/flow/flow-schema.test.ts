import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { typeSchema } from '@pypeline/codegen';
import { describe, expect, it } from 'vitest';
import { FLOW_SCHEMA_PATH, flowSchema } from './flow-schema.js';

const TYPES = fileURLToPath(new URL('./types.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));

describe('schema/flow.schema.json', () => {
  // The loader validates against the shipped JSON file; this keeps it what the codegen makes of
  // FlowDocument. After changing the type, regenerate: `npx vitest run src/flow/flow-schema.test.ts -u`.
  it('is generated from FlowDocument in types.ts (regenerate with -u when it drifts)', async () => {
    const schema = typeSchema(TYPES, 'FlowDocument', TSCONFIG);
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot(fileURLToPath(FLOW_SCHEMA_PATH));
  }, 60_000);

  // The loader compiles it without checking it against JSON Schema's meta-schema (start-up time); this does.
  it('is a valid JSON Schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(flowSchema()), ajv.errorsText()).toBe(true);
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { typeSchema } from '@pypeline/codegen';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FLOW_SCHEMA_PATH, FLOW_VALIDATOR_OPTIONS, flowSchema } from './flow-schema.js';

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

  // `pype` loads flows with the validator the build compiled (scripts/flow-validator.js), not this schema compiled anew.
  it('is what the build compiled into dist/flow-validator.cjs (rebuild core when this fails)', () => {
    const built = fileURLToPath(new URL('../../dist/flow-validator.cjs', import.meta.url));
    expect(existsSync(built), 'run `pnpm build` in packages/core').toBe(true);
    const prebuilt = createRequire(import.meta.url)(built) as ValidateFunction;
    const fresh = new Ajv(FLOW_VALIDATOR_OPTIONS).compile(flowSchema());
    const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
    const docs: unknown[] = readdirSync(examples).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(examples + f, 'utf8')));
    docs.push({ flow: { name: '1bad' }, modules: [], bogus: 1 }, { modules: [{ id: 'a' }] });
    for (const doc of docs) {
      expect(prebuilt(doc)).toBe(fresh(doc));
      expect(prebuilt.errors ?? null).toEqual(fresh.errors ?? null);
    }
  });
});

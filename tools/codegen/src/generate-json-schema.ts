import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createGenerator, type Config as GeneratorConfig } from 'ts-json-schema-generator';
import { CodegenError } from './codegen-error.js';

/** The file and interface every module declares its configuration in. */
export const CONFIG_SOURCE = 'src/config.ts';
export const CONFIG_TYPE = 'Config';

/**
 * Generates the draft-07 JSON Schema of `Config` in `src/config.ts`.
 * JSDoc becomes `description`, `@default` becomes `default`, `@asType integer` narrows
 * numbers, and `@secret` becomes the custom keyword `secret: true`.
 */
export function generateJsonSchema(packageDir: string, packageName: string): Record<string, unknown> {
  const path = join(packageDir, CONFIG_SOURCE);
  if (!existsSync(path)) {
    throw new CodegenError(packageName, [
      `${CONFIG_SOURCE} is missing: declare \`export interface ${CONFIG_TYPE} { ... }\` there (an empty interface when the module takes no config)`,
    ]);
  }
  const tsconfig = join(packageDir, 'tsconfig.json');
  const config: GeneratorConfig = {
    path,
    tsconfig: existsSync(tsconfig) ? tsconfig : undefined,
    type: CONFIG_TYPE,
    expose: 'none',
    topRef: false,
    jsDoc: 'extended',
    additionalProperties: false,
    extraTags: ['secret'],
    // tsc has already checked the package; checking again only costs time.
    skipTypeCheck: true,
  };
  try {
    return withoutEmptyDefinitions(createGenerator(config).createSchema(CONFIG_TYPE) as Record<string, unknown>);
  } catch (error) {
    throw new CodegenError(packageName, [
      `cannot generate the JSON Schema of ${CONFIG_TYPE} in ${CONFIG_SOURCE}: ${(error as Error).message.trim()}. ` +
        `Fix: export an interface named ${CONFIG_TYPE} built from JSON-compatible types`,
    ]);
  }
}

// The generator always emits `definitions`; an empty one is noise in a committed file.
function withoutEmptyDefinitions(schema: Record<string, unknown>): Record<string, unknown> {
  const { definitions, ...rest } = schema;
  return definitions && Object.keys(definitions).length > 0 ? schema : rest;
}

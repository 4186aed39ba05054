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
  try {
    return typeSchema(path, CONFIG_TYPE, existsSync(tsconfig) ? tsconfig : undefined);
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

/**
 * The draft-07 JSON Schema of the exported type `type` in the TypeScript file `path`, read the
 * way module configs are: JSDoc descriptions, `@default`, `@asType integer`, `@secret`, and no
 * properties beyond the declared ones. Throws the generator's error when the type is missing.
 */
export function typeSchema(path: string, type: string, tsconfig?: string): Record<string, unknown> {
  const config: GeneratorConfig = {
    path,
    tsconfig,
    type,
    expose: 'none',
    topRef: false,
    jsDoc: 'extended',
    additionalProperties: false,
    extraTags: ['secret'],
    // tsc (or esbuild for a flow file) has already read the source; checking types again only costs time.
    skipTypeCheck: true,
  };
  return withoutEmptyDefinitions(createGenerator(config).createSchema(type) as Record<string, unknown>);
}

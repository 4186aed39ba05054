import { SDK_API_VERSION } from '@pypeline/sdk';
import { CodegenError } from './codegen-error.js';
import { generateJsonSchema } from './generate-json-schema.js';
import { loadDefinition } from './load-definition.js';
import { MANIFEST_VERSION, type Manifest } from './manifest.js';
import { readPackage } from './read-package.js';
import { toConfigSchema } from './to-config-schema.js';
import { validateConfig } from './validate-config.js';
import { validateDefinition } from './validate-definition.js';
import { validatePackage } from './validate-package.js';

/**
 * Builds the manifest of the module package at `packageDir` from its Config type, its built
 * entry and its package.json. Throws a CodegenError listing every problem found.
 */
export async function generateManifest(packageDir: string): Promise<Manifest> {
  const pkg = readPackage(packageDir);
  const jsonSchema = generateJsonSchema(packageDir, pkg.name);
  const configSchema = toConfigSchema(jsonSchema);
  const definition = validateDefinition(await loadDefinition(packageDir, pkg.name, pkg.entry), pkg.name);
  const errors = [...validatePackage(pkg), ...definition.errors, ...validateConfig(configSchema)];
  if (errors.length > 0 || !definition.value) throw new CodegenError(pkg.name, errors);
  const def = definition.value;
  return {
    manifest_version: MANIFEST_VERSION,
    sdk_api: SDK_API_VERSION,
    name: def.name,
    entry: pkg.entry,
    type: def.type,
    description: def.description,
    category: def.category,
    input_ports: def.inputPorts,
    // Only when there are some, so every other manifest stays as it was.
    ...(def.manyInputPorts.length ? { many_input_ports: def.manyInputPorts } : {}),
    output_ports: def.outputPorts,
    globals: def.globals,
    cacheable: def.cacheable,
    packages: pkg.packages,
    config_schema: configSchema,
    json_schema: jsonSchema,
  };
}

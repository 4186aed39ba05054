import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodegenError } from './codegen-error.js';

/** Imports the built entry and returns its default export, unchecked. */
export async function loadDefinition(packageDir: string, packageName: string, entry: string): Promise<unknown> {
  const path = join(packageDir, entry);
  if (!existsSync(path)) {
    throw new CodegenError(packageName, [
      `${entry} does not exist: build the package first (\`tsc -p tsconfig.build.json && pypeline-codegen\`)`,
    ]);
  }
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new CodegenError(packageName, [`importing ${entry} failed: ${(error as Error).message}`]);
  }
  if (loaded.default === undefined) {
    throw new CodegenError(packageName, [
      `${entry} has no default export: end src/index.ts with \`export default defineModule<Config>({ ... })\``,
    ]);
  }
  return loaded.default;
}

import type { ConfigSchema } from './manifest.js';

/** Problems in the generated CONFIG_SCHEMA that the type checker cannot see. */
export function validateConfig(schema: ConfigSchema): string[] {
  const errors: string[] = [];
  for (const [name, field] of Object.entries(schema.required)) {
    if (field.default !== undefined) {
      errors.push(`config "${name}" is required but has @default ${JSON.stringify(field.default)}: mark it optional (\`${name}?:\`) or drop @default`);
    }
  }
  return errors;
}

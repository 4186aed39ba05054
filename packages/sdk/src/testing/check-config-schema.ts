interface Field {
  type: string | string[];
  default?: unknown;
  enum?: unknown[];
  secret?: boolean;
}

/** The config parts of a manifest (CONFIG_SCHEMA and the JSON Schema). */
export interface ManifestConfig {
  config_schema: { required: Record<string, Field>; optional: Record<string, Field> };
  json_schema: { properties?: Record<string, unknown>; required?: string[] };
}

/**
 * Checks that CONFIG_SCHEMA agrees with the JSON Schema and that every default is a value
 * of its field's type: the engine fills missing keys with these defaults, unchecked.
 */
export function checkConfigSchema(manifest: ManifestConfig): string[] {
  const errors: string[] = [];
  const { required = {}, optional = {} } = manifest.config_schema ?? {};
  const properties = Object.keys(manifest.json_schema?.properties ?? {}).sort();
  const listed = [...Object.keys(required), ...Object.keys(optional)].sort();
  if (JSON.stringify(properties) !== JSON.stringify(listed)) {
    errors.push(`config_schema lists [${listed.join(', ')}] but json_schema has [${properties.join(', ')}]: regenerate the manifest with pypeline-codegen`);
  }
  for (const [name, field] of Object.entries(optional)) {
    if (field.default === undefined) continue;
    if (field.secret) errors.push(`config "${name}" is @secret but has a default: a secret must come from the flow's context or secrets, never from code`);
    if (!matchesType(field.default, field.type)) {
      errors.push(`config "${name}" has @default ${JSON.stringify(field.default)}, which is not of type ${[field.type].flat().join(' or ')}: fix the @default in src/config.ts`);
    } else if (field.enum && !field.enum.some((v) => v === field.default)) {
      errors.push(`config "${name}" has @default ${JSON.stringify(field.default)}, which is not one of ${JSON.stringify(field.enum)}: fix the @default in src/config.ts`);
    }
  }
  return errors;
}

function matchesType(value: unknown, type: string | string[]): boolean {
  return [type].flat().some((t) => {
    switch (t) {
      case 'any': return true;
      case 'null': return value === null;
      case 'array': return Array.isArray(value);
      case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'integer': return Number.isInteger(value);
      default: return typeof value === t;
    }
  });
}

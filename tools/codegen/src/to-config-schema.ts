import type { ConfigField, ConfigSchema } from './manifest.js';

type JsonSchema = Record<string, unknown>;

/** Converts the JSON Schema of `Config` into the spec's CONFIG_SCHEMA (`required` / `optional`). */
export function toConfigSchema(schema: JsonSchema): ConfigSchema {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const result: ConfigSchema = { required: {}, optional: {} };
  for (const [name, property] of Object.entries(properties)) {
    result[required.has(name) ? 'required' : 'optional'][name] = toField(property);
  }
  return result;
}

// Keys are assigned in one fixed order so the serialized manifest is stable.
function toField(property: JsonSchema): ConfigField {
  const field: ConfigField = { type: typeOf(property) };
  if (property.default !== undefined) field.default = property.default;
  if (typeof property.description === 'string') field.description = property.description;
  if (Array.isArray(property.enum)) field.enum = property.enum;
  if (property.secret === true) field.secret = true;
  return field;
}

function typeOf(property: JsonSchema): string | string[] {
  if (typeof property.type === 'string' || Array.isArray(property.type)) return property.type as string | string[];
  if (property.const !== undefined) return jsonTypeOf(property.const);
  return 'any';
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

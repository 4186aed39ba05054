import { addValueCheck } from '@pypeline/core';
import type { ConfigField, ConfigSchema } from '@pypeline/sdk';
import { COLUMN_TYPES, toMs, type Duration } from '@pypeline/stream';
import { windowFrom } from './window-config.js';

/** One config key's JSON Schema; `description` is what docs and hints show. */
export type PropertySchema = Record<string, unknown> & { description: string };

/**
 * A stream palette entry's config in the form codegen gives every module: the JSON Schema core's
 * checkConfig validates (ajv, with the value checks below) and CONFIG_SCHEMA's required/optional.
 */
export interface PaletteConfig {
  config_schema: ConfigSchema;
  json_schema: Record<string, unknown> & { properties: Record<string, PropertySchema>; required: string[] };
}

/** The config of a palette entry from its required and optional keys. */
export function configOf(required: Record<string, PropertySchema>, optional: Record<string, PropertySchema> = {}): PaletteConfig {
  const field = (p: PropertySchema): ConfigField => ({
    type: (p.type as string | string[] | undefined) ?? 'any',
    description: p.description,
    ...(p.enum ? { enum: p.enum as unknown[] } : {}),
    ...(p.secret ? { secret: true as const } : {}),
  });
  const fields = (props: Record<string, PropertySchema>) => Object.fromEntries(Object.entries(props).map(([k, p]) => [k, field(p)]));
  return {
    config_schema: { required: fields(required), optional: fields(optional) },
    json_schema: { type: 'object', properties: { ...required, ...optional }, required: Object.keys(required), additionalProperties: false },
  };
}

const described = (schema: Record<string, unknown>) => (description: string, extra: Record<string, unknown> = {}): PropertySchema => ({ ...schema, description, ...extra });

export const text = described({ type: 'string' });
export const integer = described({ type: 'integer' });
export const boolean = described({ type: 'boolean' });
export const mapping = described({ type: 'object' });
export const textList = described({ type: 'array', items: { type: 'string' } });
export const textOrList = described({ type: ['string', 'array'], items: { type: 'string' } });
/** A secret: never echoed in messages, written as `{{secret.name}}`. */
export const secret = described({ type: 'string', secret: true });
/** Milliseconds, or text such as `500ms`, `10s`, `5m`. */
export const duration = described({ type: ['string', 'integer'], check: 'duration' });
/** `{ tumbling: 1m }`, `{ sliding: 1m, every: 10s }` or `{ session: 30s }`. */
export const window = described({ type: 'object', check: 'window' });
/** Column types by name, as `schemaFromSpec` reads them. */
export const columnTypes = described({ type: 'object', additionalProperties: { enum: COLUMN_TYPES } });

export function oneOf(values: readonly (string | number)[], description: string): PropertySchema {
  return { type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values], description };
}

const problemOf = (check: () => unknown) => {
  try {
    check();
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^duration: /, '');
  }
};
// A value of the wrong type is left to the schema's `type`, so it is reported once.
addValueCheck('duration', (v) => (typeof v === 'string' || typeof v === 'number' ? problemOf(() => toMs(v as Duration)) : undefined));
addValueCheck('window', (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? problemOf(() => windowFrom(v)) : undefined));

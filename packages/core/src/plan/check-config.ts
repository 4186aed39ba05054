import { Ajv, type ValidateFunction } from 'ajv';
import type { PathSegment } from '../flow/diagnostics.js';
import { explainSchemaErrors } from '../flow/schema-errors.js';
import type { ModuleSpec } from '../flow/types.js';
import type { RegistryEntry } from '../registry/manifest.js';
import { hasTemplate } from '../template/references.js';

export interface ConfigProblem {
  severity: 'error' | 'warning';
  /** Path relative to the module item, e.g. ['configs', 'required', 'file_path']. */
  path: PathSegment[];
  atKey: boolean;
  message: string;
  hint?: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true });
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
// `@format path` marks file-system paths; containment is checked at run time (allowed_root).
ajv.addFormat('path', true);
// `@format expression` marks expression-language fields: templates in them are bound as literals.
ajv.addFormat('expression', true);
const cache = new Map<string, ValidateFunction>();

export function configValidator(key: string, schema: Record<string, any>): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(key, v);
  }
  return v;
}

export function secretKeys(schema: Record<string, any>): Set<string> {
  return new Set(Object.entries(schema.properties ?? {}).filter(([, s]: [string, any]) => s?.secret).map(([k]) => k));
}

/**
 * Checks a module's configs against its generated schema at build time. Values holding
 * templates are only known at run time, so their type is checked then.
 */
export function checkConfig(spec: ModuleSpec, entry: RegistryEntry): { config: Record<string, unknown>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const { required, optional } = spec.configs;
  const schemaRequired = new Set<string>(entry.json_schema.required ?? []);
  const known = new Set(Object.keys(entry.json_schema.properties ?? {}));
  const sectionOf = (key: string): 'required' | 'optional' => (key in required ? 'required' : 'optional');

  for (const key of Object.keys(required)) {
    if (key in optional) {
      problems.push({ severity: 'error', path: ['configs', 'optional', key], atKey: true, message: `"${key}" is set in both configs.required and configs.optional`, hint: 'keep one' });
    } else if (known.has(key) && !schemaRequired.has(key)) {
      problems.push({ severity: 'warning', path: ['configs', 'required', key], atKey: true, message: `"${key}" is an optional config of ${entry.name}`, hint: 'move it under configs.optional' });
    }
  }
  for (const key of Object.keys(optional)) {
    if (schemaRequired.has(key)) {
      problems.push({ severity: 'warning', path: ['configs', 'optional', key], atKey: true, message: `"${key}" is a required config of ${entry.name}`, hint: 'move it under configs.required' });
    }
  }

  const config = { ...optional, ...required };
  const checkable: Record<string, unknown> = {};
  const deferred = new Set<string>();
  for (const [k, v] of Object.entries(config)) {
    if (hasTemplate(v)) deferred.add(k);
    else checkable[k] = v;
  }
  const validate = configValidator(`${entry.package}@${entry.version}`, entry.json_schema);
  if (!validate(structuredClone(checkable))) {
    const secrets = secretKeys(entry.json_schema);
    for (const p of explainSchemaErrors(validate.errors ?? [], checkable, { secretPaths: secrets })) {
      const key = p.path[0];
      if (typeof key === 'string' && deferred.has(key) && p.path.length === 1 && !p.atKey) continue;
      if (p.message.startsWith('missing required key')) {
        const missing = /"(.+)"/.exec(p.message)?.[1] ?? '';
        if (deferred.has(missing)) continue;
        const field = entry.config_schema.required[missing];
        problems.push({
          severity: 'error',
          path: ['configs', 'required'],
          atKey: false,
          message: `module is missing required config "${missing}"${field?.description ? ` (${field.description})` : ''}`,
          hint: `add ${missing}: <${field?.type ?? 'value'}> under configs.required`,
        });
        continue;
      }
      if (p.atKey && typeof key === 'string' && !known.has(key)) {
        problems.push({
          severity: 'error',
          path: ['configs', sectionOf(key), key],
          atKey: true,
          message: `unknown config key "${key}" for ${entry.name}${p.message.includes('Did you mean') ? p.message.slice(p.message.indexOf('.')) : ''}`,
          hint: p.hint?.startsWith('rename') ? p.hint : `${entry.name} accepts: ${[...known].join(', ')}`,
        });
        continue;
      }
      const top = typeof key === 'string' ? key : '';
      problems.push({ severity: 'error', path: ['configs', sectionOf(top), ...p.path], atKey: p.atKey, message: `config ${p.message}`, hint: p.hint });
    }
  }
  return { config, problems };
}

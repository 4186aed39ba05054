import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseAggregate } from '@pypeline/expr';
import type { PathSegment } from '../flow/diagnostics.js';
import { explainSchemaErrors, pointerToPath, type SchemaProblem } from '../flow/schema-errors.js';
import type { ModuleSpec } from '../flow/types.js';
import type { RegistryEntry } from '../registry/manifest.js';
import { hasTemplate } from '../template/references.js';
import type { JsonSchema } from '@pypeline/sdk';

export interface ConfigProblem {
  severity: 'error' | 'warning';
  /** Path relative to the module item, e.g. ['configs', 'required', 'file_path']. */
  path: PathSegment[];
  atKey: boolean;
  message: string;
  hint?: string;
}

// validateSchema off: checking each module's schema against JSON Schema's meta-schema first compiled
// that meta-schema on every run (twice the time of compiling the small config schemas themselves);
// codegen writes these schemas, and a broken one still fails to compile with Ajv's message.
// code.optimize off: Ajv's pass that tidies the generated code cost a third of compiling them (start-up
// of `pype run`); the code checks the same and reports the same errors, for configs of a few keys.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true, validateSchema: false, code: { optimize: false } });
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
// `@format path` marks file-system paths; containment is checked at run time (allowed_root).
ajv.addFormat('path', true);
// `@format expression` marks expression-language fields: templates in them are bound as literals.
ajv.addFormat('expression', true);
// `@format sql` marks SQL text: templates in it are bound as query parameters (see bindSqlTemplates).
ajv.addFormat('sql', true);
// `@format sql-mysql`: the same in MySQL's dialect (`?` placeholders; see bindMysqlTemplates).
ajv.addFormat('sql-mysql', true);
const cache = new Map<string, ValidateFunction>();

/** A check JSON Schema cannot say: what is wrong with `value`, or undefined when it is fine. */
export type ValueCheck = (value: unknown) => string | undefined;
const checks = new Map<string, ValueCheck>();

/**
 * Names a value check for config schemas: `format: <name>` on text (what codegen writes for a
 * `@format` tag) or `check: <name>` on a value of any type (e.g. a stream window). A failed check
 * is reported with its own message. Add checks before the schemas that use them are compiled.
 */
export function addValueCheck(name: string, check: ValueCheck): void {
  checks.set(name, check);
  ajv.addFormat(name, { type: 'string', validate: (text: string) => passes(check, text) });
}

ajv.addKeyword({ keyword: 'check', schemaType: 'string', validate: (name: string, data: unknown) => passes(checks.get(name), data) });

/** A value holding a template anywhere is only known at run time: it is checked once resolved. */
const templated = (v: unknown): boolean => (typeof v === 'string' ? hasTemplate(v) : v !== null && typeof v === 'object' && Object.values(v).some(templated));
const passes = (check: ValueCheck | undefined, value: unknown) => templated(value) || check?.(value) === undefined;
// `@format aggregate`: one aggregate of the expression language, e.g. `sum(amount)` or `count(*)`.
addValueCheck('aggregate', (text) => {
  const call = parseAggregate(text);
  return 'problem' in call ? call.problem : undefined;
});

const isValueCheck = (e: ErrorObject) => e.keyword === 'check' || (e.keyword === 'format' && checks.has((e.params as { format: string }).format));

function explainValueCheck(e: ErrorObject, data: unknown): SchemaProblem {
  const path = pointerToPath(e.instancePath, data);
  const name = e.keyword === 'check' ? (e.schema as string) : (e.params as { format: string }).format;
  const problem = checks.get(name)?.(e.data) ?? `has no check "${name}" (a bug: please report it)`;
  return { path, atKey: false, message: `"${String(path.at(-1) ?? 'config')}": ${problem}`, hint: (e.parentSchema as { description?: string } | undefined)?.description };
}

/** What checkConfig needs of a module: its registry entry, or a stream palette entry. */
export type ConfigOwner = Pick<RegistryEntry, 'name' | 'json_schema' | 'config_schema'> & { package?: string; version?: string };

/**
 * Every way `config` breaks its owner's schema, value checks included, each explained; `config`
 * gets the schema's defaults. Used at build (checkConfig) and once templates are resolved.
 */
export function configProblems(owner: ConfigOwner, config: Record<string, unknown>): SchemaProblem[] {
  const validate = configValidator(`${owner.package ?? 'builtin'}@${owner.version ?? ''}/${owner.name}`, owner.json_schema);
  if (validate(config)) return [];
  const errors = validate.errors ?? [];
  return [
    ...errors.filter(isValueCheck).map((e) => explainValueCheck(e, config)),
    ...explainSchemaErrors(errors.filter((e) => !isValueCheck(e)), config, { secretPaths: secretKeys(owner.json_schema) }),
  ];
}

export function configValidator(key: string, schema: JsonSchema): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(key, v);
  }
  return v;
}

export function secretKeys(schema: JsonSchema): Set<string> {
  return new Set(Object.entries(schema.properties ?? {}).filter(([, s]) => s?.secret).map(([k]) => k));
}

/**
 * Checks a module's configs against its generated schema at build time. Values holding
 * templates are only known at run time, so their type is checked then.
 */
export function checkConfig(spec: ModuleSpec, entry: ConfigOwner): { config: Record<string, unknown>; problems: ConfigProblem[] } {
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
  for (const p of configProblems(entry, structuredClone(checkable))) {
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
        message: `missing required config key "${missing}"${field?.description ? ` (${field.description})` : ''}`,
        hint: `add ${missing}: <${field?.type ?? 'value'}> under configs.required of ${spec.id}`,
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
  return { config, problems };
}

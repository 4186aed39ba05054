import type { ModuleType } from '@pypeline/sdk';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const MODULE_TYPES: readonly ModuleType[] = ['source', 'mod', 'sink', 'solo'];

/** The data ports each module type must have (the spec's module categories). */
const PORT_RULES: Record<ModuleType, { inputs: 'none' | 'some'; outputs: 'none' | 'some' }> = {
  source: { inputs: 'none', outputs: 'some' },
  mod: { inputs: 'some', outputs: 'some' },
  sink: { inputs: 'some', outputs: 'none' },
  solo: { inputs: 'none', outputs: 'none' },
};

/** A default export that passed validation: the fields the manifest copies. */
export interface ValidDefinition {
  name: string;
  type: ModuleType;
  description: string;
  category: string;
  inputPorts: string[];
  /** Input ports taking any number of connections (a subset of inputPorts). */
  manyInputPorts: string[];
  outputPorts: string[];
  globals: string[];
  /** Resolved: false for sinks and solos, else the definition's flag (default true). */
  cacheable: boolean;
}

export interface DefinitionCheck {
  value?: ValidDefinition;
  /** Every problem found, each ending with its fix. */
  errors: string[];
}

/** Checks a module's default export against the contract, collecting every problem. */
export function validateDefinition(def: unknown, packageName: string): DefinitionCheck {
  if (typeof def !== 'object' || def === null || typeof (def as { run?: unknown }).run !== 'function') {
    return { errors: ['the default export is not a module definition: export default defineModule<Config>({ name, type, ..., run })'] };
  }
  const d = def as Record<string, unknown>;
  const errors: string[] = [];
  const name = checkName(d.name, packageName, errors);
  const type = checkType(d.type, errors);
  const description = checkText(d.description, 'description', 'say in one sentence what the module does', errors);
  const category = checkText(d.category, 'category', 'set a UI group such as "File Sources"', errors);
  const inputPorts = checkNames(d.inputPorts, 'inputPorts', errors);
  const manyInputPorts = checkNames(d.manyInputPorts, 'manyInputPorts', errors);
  for (const port of manyInputPorts.filter((p) => !inputPorts.includes(p))) {
    errors.push(`manyInputPorts names "${port}", which is not in inputPorts [${inputPorts.join(', ')}]: add it to inputPorts or remove it`);
  }
  const outputPorts = checkNames(d.outputPorts, 'outputPorts', errors);
  const globals = checkNames(d.globals, 'globals', errors);
  if (type) checkPorts(type, inputPorts, outputPorts, errors);
  checkMigrations(d.migrations, errors);
  if (d.cacheable !== undefined && typeof d.cacheable !== 'boolean') errors.push(`cacheable must be true or false, not ${JSON.stringify(d.cacheable)}: set cacheable: false when the module's output depends on more than its config and inputs`);
  if (errors.length > 0) return { errors };
  const cacheable = (type === 'source' || type === 'mod') && d.cacheable !== false;
  return { value: { name, type: type!, description, category, inputPorts, manyInputPorts, outputPorts, globals, cacheable }, errors };
}

/** `csv_source` -> `@pypeline/mod-csv-source`. */
export function packageNameFor(moduleName: string): string {
  return `@pypeline/mod-${moduleName.replace(/_/g, '-')}`;
}

function checkName(value: unknown, packageName: string, errors: string[]): string {
  if (typeof value !== 'string' || !SNAKE_CASE.test(value)) {
    errors.push(`name ${JSON.stringify(value)} is not snake_case: use lowercase letters, digits and single underscores, e.g. "${suggestSnake(value)}"`);
    return '';
  }
  if (packageName.startsWith('@pypeline/') && packageName !== packageNameFor(value)) {
    errors.push(`module "${value}" must live in package ${packageNameFor(value)}: rename the package or the module`);
  }
  return value;
}

function checkType(value: unknown, errors: string[]): ModuleType | undefined {
  if (MODULE_TYPES.includes(value as ModuleType)) return value as ModuleType;
  errors.push(`type ${JSON.stringify(value)} is unknown: use one of ${MODULE_TYPES.join(', ')}`);
  return undefined;
}

function checkText(value: unknown, field: string, fix: string, errors: string[]): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  errors.push(`${field} is empty: ${fix}`);
  return '';
}

function checkNames(value: unknown, field: string, errors: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    errors.push(`${field} must be an array of snake_case names`);
    return [];
  }
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !SNAKE_CASE.test(item)) {
      errors.push(`${field} entry ${JSON.stringify(item)} is not snake_case: rename it, e.g. "${suggestSnake(item)}"`);
    } else if (seen.has(item)) {
      errors.push(`${field} lists "${item}" twice: remove the duplicate`);
    }
    seen.add(item as string);
  }
  return value as string[];
}

function checkPorts(type: ModuleType, inputs: string[], outputs: string[], errors: string[]): void {
  const rule = PORT_RULES[type];
  for (const [field, ports, want] of [['inputPorts', inputs, rule.inputs], ['outputPorts', outputs, rule.outputs]] as const) {
    if (want === 'none' && ports.length > 0) {
      errors.push(`a ${type} module has no ${field === 'inputPorts' ? 'data inputs' : 'data outputs'}, but ${field} is [${ports.join(', ')}]: remove ${field} or change type`);
    } else if (want === 'some' && ports.length === 0) {
      errors.push(`a ${type} module needs at least one ${field === 'inputPorts' ? 'input' : 'output'} port: set ${field}, e.g. ["${field === 'inputPorts' ? 'input' : 'output'}"]`);
    }
  }
}

// Keyed by the major a migration leads to; `pype upgrade` chains them from the pinned major up.
function checkMigrations(value: unknown, errors: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push('migrations must be an object keyed by major version: { 2: (config) => newConfig }');
    return;
  }
  for (const [key, fn] of Object.entries(value)) {
    if (!/^[1-9][0-9]*$/.test(key)) errors.push(`migrations key "${key}" is not a major version: key each migration by the major it migrates to, e.g. 2`);
    if (typeof fn !== 'function') errors.push(`migrations[${key}] is not a function: write (config) => newConfig`);
  }
}

function suggestSnake(value: unknown): string {
  const snake = String(value)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return /^[a-z]/.test(snake) ? snake : `m_${snake}`;
}

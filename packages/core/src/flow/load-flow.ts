import { readFileSync } from 'node:fs';
import { PypeError } from '../errors.js';
import { formatPath, type Diagnostic } from './diagnostics.js';
import { validateFlowSchema } from './flow-schema.js';
import { explainSchemaErrors } from './schema-errors.js';
import { DEFAULT_SETTINGS, type Flow, type FlowDocument } from './types.js';
import { parseYaml, type YamlDocument } from './yaml-document.js';
import { errorMessage, errorCode } from '@pypeline/sdk';

export interface LoadedFlow {
  file: string;
  text: string;
  /** Undefined when the document is too broken to go on (syntax or schema errors). */
  flow?: Flow;
  doc: YamlDocument;
  diagnostics: Diagnostic[];
}

export function readFlowFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw new PypeError(`flow file not found: ${file}`, { hint: 'check the path' });
    if (errorCode(err) === 'EISDIR') throw new PypeError(`${file} is a folder, not a flow file`, { hint: 'pass the .yaml file' });
    throw new PypeError(`cannot read flow file ${file}: ${errorMessage(err)}`);
  }
}

/** Load phase: YAML syntax, then the flow JSON Schema. Every problem is collected. */
export function loadFlowText(file: string, text: string): LoadedFlow {
  const doc = parseYaml(text);
  const diagnostics: Diagnostic[] = [...doc.syntaxErrors];
  if (diagnostics.some((d) => d.severity === 'error')) return { file, text, doc, diagnostics };

  const data = doc.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    diagnostics.push({
      severity: 'error', path: '(document)', line: 1, column: 1,
      message: 'a flow must be a YAML mapping with `flow`, `modules` and `connections`',
      hint: 'see docs/flow-reference.md or examples/sample_etl.yaml',
    });
    return { file, text, doc, diagnostics };
  }

  emptySectionsAsMappings(data);
  const validate = validateFlowSchema();
  if (!validate(data)) {
    for (const p of explainSchemaErrors(validate.errors ?? [], data)) {
      const at = doc.locate(p.path, p.atKey ? 'key' : 'value');
      diagnostics.push({ severity: 'error', path: formatPath(p.path), ...at, message: p.message, hint: p.hint });
    }
    // Keep going when the shape allows it, so module and connection problems are reported in the same pass.
    return { file, text, doc, diagnostics, flow: isPlannable(data) ? withDefaults(data as FlowDocument) : undefined };
  }
  return { file, text, doc, diagnostics, flow: withDefaults(data as FlowDocument) };
}

/**
 * `required:` with nothing under it (what is left after deleting its only key) is YAML null: it
 * reads as an empty mapping, so the module's check names the key that is missing instead of
 * the schema saying "required must be an object".
 */
function emptySectionsAsMappings(data: object): void {
  const modules = (data as { modules?: unknown }).modules;
  if (!Array.isArray(modules)) return;
  for (const m of modules) {
    const configs = (m as { configs?: unknown } | null)?.configs;
    if (configs === null || typeof configs !== 'object') continue;
    for (const section of ['required', 'optional'] as const) {
      if (section in configs && (configs as Record<string, unknown>)[section] === null) (configs as Record<string, unknown>)[section] = {};
    }
  }
}

export function loadFlowFile(file: string): LoadedFlow {
  return loadFlowText(file, readFlowFile(file));
}

function withDefaults(raw: FlowDocument): Flow {
  return {
    flow: raw.flow,
    settings: {
      ...DEFAULT_SETTINGS,
      ...raw.settings,
      spill: { ...DEFAULT_SETTINGS.spill, ...raw.settings?.spill },
    },
    context: { default: {}, ...raw.context },
    ...(raw.context_schema === undefined ? {} : { context_schema: raw.context_schema }),
    modules: raw.modules.map((m) => ({
      ...m,
      configs: { required: m.configs?.required ?? {}, optional: m.configs?.optional ?? {} },
    })),
    connections: { data: raw.connections?.data ?? [], control: raw.connections?.control ?? [] },
    ...(Array.isArray(raw.triggers) ? { triggers: raw.triggers } : {}),
  };
}

/** True when the modules and connections are well-formed enough to plan despite other schema errors. */
function isPlannable(data: unknown): boolean {
  type Loose = { [key: string]: Loose } | undefined; // any shape: every step is checked below
  const raw = data as Loose;
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  const obj = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v));
  return (
    typeof raw?.flow?.name === 'string' &&
    Array.isArray(raw.modules) &&
    (raw?.modules as unknown as Loose[]).every((m) => obj(m) && m && typeof m.id === 'string' && typeof m.name === 'string' && obj(m.configs) && obj(m.configs?.required) && obj(m.configs?.optional)) &&
    obj(raw.connections) && strings(raw.connections?.data) && strings(raw.connections?.control) &&
    obj(raw.context) && Object.values(raw.context ?? {}).every(obj)
  );
}

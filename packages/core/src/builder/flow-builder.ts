import { stringify } from 'yaml';
import type { PortRef, StepConfig, StepOptions, StepRef, StepSpec, Template } from '@pypeline/sdk';

export type { PortRef, StepConfig, StepOptions, StepRef, StepSpec, Template };

/**
 * A typed factory for one module: `step<Config, 'input', 'output'>('filter_mod')` returns
 * `(id, config, options?) => StepSpec`. The codegen writes one per module from its Config type;
 * `required` lists the required config keys so the flow's configs are split as in YAML.
 */
export function step<C, I extends string = never, O extends string = never>(name: string, meta: { package?: string; required?: readonly string[] } = {}) {
  return (id: string, config: StepConfig<C>, options: StepOptions = {}): StepSpec<I, O> => ({ id, name, package: meta.package, config: config as Record<string, unknown>, options, ...(meta.required ? { required: meta.required } : {}) });
}

export interface Valve {
  /** 1..N or 'Last'; default 1. */
  order?: number | 'Last';
  /** Expression over {{context.x}}, {{module__var}}, {{iter.item.col}}. */
  condition?: string;
  kind?: 'iterate' | 'start';
}

interface FlowMeta {
  name: string;
  version?: string;
  description?: string;
  authors?: string[];
  created?: string;
}

/** Builds a flow in TypeScript; `toDocument()` is exactly what the equivalent YAML parses to. */
export class FlowBuilder<Ctx extends object = Record<string, unknown>> {
  private readonly steps: StepSpec[] = [];
  private readonly dataEdges: string[] = [];
  private readonly controlEdges: string[] = [];
  private readonly contexts: Record<string, Record<string, unknown>> = {};
  private settingsDoc: Record<string, unknown> | undefined;
  private contextSchemaDoc: Record<string, unknown> | undefined;

  constructor(private readonly meta: FlowMeta) {}

  /** The flow's name (`flow.name`), which names its job folder. */
  get name(): string {
    return this.meta.name;
  }

  settings(settings: Record<string, unknown>): this {
    this.settingsDoc = settings;
    return this;
  }

  /**
   * The JSON Schema every context of the flow must satisfy (`context_schema`). `pype build app.ts`
   * sets it from the file's exported `Context` type when the flow does not set one.
   */
  contextSchema(schema: Record<string, unknown>): this {
    this.contextSchemaDoc = schema;
    return this;
  }

  get hasContextSchema(): boolean {
    return this.contextSchemaDoc !== undefined;
  }

  /** Context values for an environment (`default`, `prod`, ...), typed by the flow's context type. */
  context(env: string, values: Ctx): this {
    this.contexts[env] = values as Record<string, unknown>;
    return this;
  }

  add<I extends string, O extends string>(spec: StepSpec<I, O>): StepRef<I, O> {
    if (this.steps.some((s) => s.id === spec.id)) throw new Error(`duplicate module id "${spec.id}" in flow ${this.meta.name}`);
    this.steps.push(spec);
    return { id: spec.id, in: (port) => ({ id: spec.id, port }), out: (port) => ({ id: spec.id, port }) };
  }

  data(from: PortRef, to: PortRef): this {
    this.dataEdges.push(`${from.id}.${from.port} - ${to.id}.${to.port}`);
    return this;
  }

  control(from: { id: string }, to: { id: string }, valve: Valve = {}): this {
    const order = valve.kind ? `${valve.kind}${valve.order !== undefined ? ` ${valve.order}` : ''}` : String(valve.order ?? 1);
    this.controlEdges.push(`${from.id} (${order}|${valve.condition ?? ''}) ${to.id}`);
    return this;
  }

  iterate(from: { id: string }, to: { id: string }, valve: Omit<Valve, 'kind'> = {}): this {
    return this.control(from, to, { ...valve, kind: 'iterate' });
  }

  start(from: { id: string }, to: { id: string }, valve: Omit<Valve, 'kind'> = {}): this {
    return this.control(from, to, { ...valve, kind: 'start' });
  }

  /** The flow as a plain document, in the YAML format's shape. */
  toDocument(): Record<string, unknown> {
    const doc: Record<string, unknown> = { flow: { ...this.meta } };
    if (this.settingsDoc) doc.settings = this.settingsDoc;
    if (this.contextSchemaDoc) doc.context_schema = this.contextSchemaDoc;
    if (Object.keys(this.contexts).length) doc.context = this.contexts;
    doc.modules = this.steps.map((s) => {
      const required = new Set(s.required ?? Object.keys(s.config));
      const pick = (want: boolean) => Object.fromEntries(Object.entries(s.config).filter(([k, v]) => v !== undefined && required.has(k) === want));
      const configs: Record<string, unknown> = {};
      if (Object.keys(pick(true)).length) configs.required = pick(true);
      if (Object.keys(pick(false)).length) configs.optional = pick(false);
      return { id: s.id, name: s.name, ...(s.package ? { package: s.package } : {}), ...s.options, ...(Object.keys(configs).length ? { configs } : {}) };
    });
    doc.connections = { data: this.dataEdges, control: this.controlEdges };
    return doc;
  }

  toYaml(): string {
    return stringify(this.toDocument(), { lineWidth: 0 });
  }
}

/** `flow({ name })`: start a flow in TypeScript. */
export function flow<Ctx extends object = Record<string, unknown>>(meta: FlowMeta): FlowBuilder<Ctx> {
  return new FlowBuilder<Ctx>(meta);
}

export function isFlowBuilder(value: unknown): value is FlowBuilder {
  return value instanceof FlowBuilder || (typeof value === 'object' && value !== null && typeof (value as FlowBuilder).toYaml === 'function' && typeof (value as FlowBuilder).toDocument === 'function');
}

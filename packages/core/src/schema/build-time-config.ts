import type { JsonSchema } from '@pypeline/sdk';
import { configValidator } from '../plan/check-config.js';
import type { DagNode } from '../plan/types.js';
import { findRefs } from '../template/references.js';
import { resolveConfigTemplates } from '../template/resolve-config.js';

/** A node's config as known when the flow is built, or why it is not known. */
export type BuildTimeConfig = { config: Record<string, unknown> } | { unknown: string };

/**
 * The config a module's `outputSchemas` sees: defaults applied, `{{context.x}}` resolved with the
 * default context (SQL fields bind them as parameters, as at run time). Expression fields keep
 * their templates, so positions inside them still match the flow; the expression checkers take a
 * template as a value of any type. Any other field holding a global, an iteration value or a
 * secret is known only at run time, and so is the node's output.
 */
export function buildTimeConfig(node: DagNode, context: Record<string, unknown>): BuildTimeConfig {
  const props = node.json_schema.properties ?? {};
  const expressions: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.config)) {
    if (isExpressionField(props[key])) expressions[key] = value;
    else rest[key] = value;
  }
  const runTime = findRefs(rest).find(({ ref }) => ref.kind !== 'context');
  if (runTime) {
    const key = [node.id, 'configs', ...runTime.path].join('.');
    return { unknown: `${key} holds {{${runTime.ref.text}}}, known only at run time` };
  }
  const missing = findRefs(rest).find(({ ref }) => ref.kind === 'context' && !(ref.name in context));
  if (missing) return { unknown: `the default context has no value for {{${missing.ref.text}}}` };
  const scope = { context, global: () => undefined };
  const config = { ...resolveConfigTemplates(rest, node.json_schema, scope, `${node.id}.configs`), ...expressions };
  // The schema's defaults, as the run applies them when it checks the resolved config.
  configValidator(`${node.package}@${node.version}/${node.name}`, node.json_schema)(config);
  return { config };
}

function isExpressionField(prop: JsonSchema | undefined): boolean {
  if (!prop) return false;
  if (prop.format === 'expression') return true;
  const values = prop.additionalProperties;
  return typeof values === 'object' && values !== null && values.format === 'expression';
}

import { suggestion } from '../flow/did-you-mean.js';
import type { Flow } from '../flow/types.js';
import { classifyRef } from '../template/references.js';
import type { ResolvedModule } from './check-modules.js';

/**
 * Checks one `{{...}}` reference against the flow: context variables must be defined in
 * some context, globals must name a module of the flow and a global it declares.
 * Returns an error message, or null when the reference is fine.
 */
export function checkRef(name: string, flow: Flow, modules: Map<string, ResolvedModule>): { message: string; hint?: string } | null {
  const ref = classifyRef(name);
  if (ref.kind === 'invalid') {
    return { message: `"{{${name}}}" is not a variable reference`, hint: 'use {{context.name}}, {{module_id__variable}} or {{iter.item.field}}' };
  }
  if (ref.kind === 'iter' || ref.kind === 'secret') return null;
  if (ref.kind === 'context') {
    const defined = new Set(Object.values(flow.context).flatMap((vars) => Object.keys(vars)));
    if (defined.has(ref.name)) return null;
    return {
      message: `context variable "${ref.name}" is not defined in any context.${suggestion(ref.name, [...defined])}`,
      hint: `add it under context.default in the flow`,
    };
  }
  const ids = flow.modules.map((m) => m.id);
  const owner = flow.modules.find((m) => m.id.toLowerCase() === ref.moduleId.toLowerCase());
  if (!owner) return { message: `"{{${name}}}" refers to unknown module "${ref.moduleId}".${suggestion(ref.moduleId, ids)}` };
  const mod = modules.get(owner.id);
  if (!mod) return null; // the module itself failed to resolve; reported elsewhere
  const globals = [...mod.entry.globals, 'status', 'error', 'duration_ms', 'rows_out'];
  if (globals.some((g) => g.toLowerCase() === ref.variable.toLowerCase())) return null;
  return {
    message: `${owner.id} (${mod.entry.name}) sets no global "${ref.variable}".${suggestion(ref.variable, globals)}`,
    hint: `its globals: ${globals.join(', ')}`,
  };
}

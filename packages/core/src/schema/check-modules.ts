import { errorMessage, type AnyModuleDefinition, type Thrown } from '@pypeline/sdk';
import type { Plan } from '../plan/types.js';
import { importModule } from '../registry/import-module.js';
import { checkPaths } from '../run/path-guard.js';
import { buildTimeConfig } from './build-time-config.js';
import { withDeadline } from './with-deadline.js';

export interface ModuleCheck {
  id: string;
  name: string;
  /** ok: the module says it could run; failed: it could not; skipped: not checkable before the run; none: the module has no check. */
  status: 'ok' | 'failed' | 'skipped' | 'none';
  detail: string;
  hint?: string;
  ms: number;
}

export interface CheckModulesOptions {
  /** The context environment whose values resolve `{{context.x}}`. @default 'default' */
  env?: string;
  /** Only these module ids. */
  only?: readonly string[];
  /** How long one check may take. @default 15000 */
  timeoutMs?: number;
}

/**
 * `pype check`: asks every module of a planned flow (or those in `only`) whether it could run
 * with its config now — the module's optional `check` — all at once, each within a time limit.
 * A config that needs run-time values (a global, an iteration value, a secret) is skipped with
 * the reason; a path outside `settings.allowed_root` fails as the run would.
 */
export async function checkModules(plan: Plan, options: CheckModulesOptions = {}): Promise<ModuleCheck[]> {
  const context = plan.context[options.env ?? 'default'] ?? {};
  const allowedRoot = plan.metadata.settings.allowed_root;
  const nodes = Object.values(plan.dag.nodes).filter((n) => !options.only || options.only.includes(n.id));
  return Promise.all(nodes.map(async (node): Promise<ModuleCheck> => {
    const started = performance.now();
    const done = (status: ModuleCheck['status'], detail: string, hint?: string): ModuleCheck => ({ id: node.id, name: node.name, status, detail, ...(hint ? { hint } : {}), ms: Math.round(performance.now() - started) });
    let def: AnyModuleDefinition;
    try {
      def = await importModule(node.resolved_entry, node.package, node.version);
    } catch (error) {
      return done('failed', `cannot load ${node.package}@${node.version}: ${errorMessage(error as Thrown)}`, (error as { hint?: string }).hint);
    }
    if (!def.check) return done('none', def.type === 'mod' ? 'a transform: nothing outside the flow to check' : `${node.name} has no check`);
    let config: Record<string, unknown>;
    try {
      const prepared = buildTimeConfig(node, context);
      if ('unknown' in prepared) return done('skipped', prepared.unknown);
      checkPaths(node, prepared.config, allowedRoot);
      config = prepared.config;
    } catch (error) {
      return done('failed', errorMessage(error as Thrown), (error as { hint?: string }).hint);
    }
    try {
      const found = await withDeadline((signal) => def.check!({ config, signal, allowedRoot }), options.timeoutMs ?? 15_000, 'check the host and port, and that the service is up');
      return done('ok', typeof found === 'string' && found ? found : 'ready');
    } catch (error) {
      return done('failed', errorMessage(error as Thrown), (error as { hint?: string }).hint);
    }
  }));
}

import type { ModuleContext } from '@pypeline/sdk';

/**
 * Resolves `{{module_id__key}}` variables in a condition to globals set by earlier modules.
 * Names without `__` are unknown (undefined), which the expression compiler reports.
 */
export function globalLookup(ctx: Pick<ModuleContext, 'getGlobal'>): (name: string) => unknown {
  return (name) => {
    const split = name.indexOf('__');
    if (split <= 0) return undefined;
    return ctx.getGlobal(name.slice(0, split), name.slice(split + 2));
  };
}

import { guardPath } from '@pypeline/sdk';
import type { DagNode } from '../plan/types.js';

/**
 * With `settings.allowed_root`, config values of fields with `format: path` must resolve inside
 * that folder (the one guard of @pypeline/sdk: `../`, absolute paths and symlinks cannot escape).
 * Paths a module finds by itself (file_list's matches) it checks with the same guard.
 */
export function checkPaths(node: DagNode, config: Record<string, unknown>, allowedRoot: string | undefined): void {
  if (!allowedRoot) return;
  for (const [key, prop] of Object.entries(node.json_schema.properties ?? {})) {
    const value = config[key];
    if (prop?.format !== 'path' || typeof value !== 'string') continue;
    guardPath(value, allowedRoot, { where: `${node.id}: config "${key}"`, rootName: 'settings.allowed_root', fix: `use a path under ${allowedRoot}, or change settings.allowed_root` });
  }
}

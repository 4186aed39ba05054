import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { PypeError } from '../errors.js';
import type { DagNode } from '../plan/types.js';

/**
 * With `settings.allowed_root`, config values of fields with `format: path` must resolve inside
 * that folder, following symlinks of the part that exists, so `../` or a link cannot escape.
 */
export function checkPaths(node: DagNode, config: Record<string, unknown>, allowedRoot: string | undefined): void {
  if (!allowedRoot) return;
  const root = realish(resolve(allowedRoot));
  for (const [key, prop] of Object.entries<any>(node.json_schema.properties ?? {})) {
    const value = config[key];
    if (prop?.format !== 'path' || typeof value !== 'string') continue;
    const target = realish(resolve(value));
    const rel = relative(root, target);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) continue;
    throw new PypeError(`${node.id}: config "${key}" points outside settings.allowed_root (${value} is not inside ${allowedRoot})`, {
      hint: `use a path under ${allowedRoot}, or change settings.allowed_root`,
    });
  }
}

/** realpath of the longest existing prefix, plus the rest as written. */
function realish(path: string): string {
  let head = path;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const parent = dirname(head);
    if (parent === head) return path;
    tail.unshift(head.slice(parent.length + 1));
    head = parent;
  }
  return resolve(realpathSync(head), ...tail);
}

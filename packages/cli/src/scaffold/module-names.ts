import { PypeError } from '@pypeline/core';

export type ModuleType = 'source' | 'mod' | 'sink' | 'solo';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
export const MODULE_TYPES: readonly ModuleType[] = ['source', 'mod', 'sink', 'solo'];

export interface ModuleNames {
  /** The module name flows use: `csv_source`. */
  snake: string;
  /** The package-name part: `csv-source`. */
  kebab: string;
}

/** `csv_source`, `csv-source`, `CsvSource` and `pypeline-mod-csv-source` all name `csv_source`. */
export function toModuleNames(input: string): ModuleNames {
  const snake = input
    .trim()
    .replace(/^(@[^/]+\/)?(pypeline-)?mod-/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s.]+/g, '_')
    .toLowerCase();
  if (!SNAKE_CASE.test(snake)) {
    throw new PypeError(`"${input}" is not a usable module name`, {
      hint: 'use lowercase letters, digits and single underscores, starting with a letter, e.g. csv_source',
    });
  }
  return { snake, kebab: snake.replace(/_/g, '-') };
}

/** The type a name suggests (`csv_source` → source); `mod` when it suggests none. */
export function typeFromName(snake: string): ModuleType {
  const suffix = snake.split('_').pop();
  return MODULE_TYPES.find((t) => t === suffix) ?? 'mod';
}

export const DEFAULT_CATEGORY: Record<ModuleType, string> = {
  source: 'Sources',
  mod: 'Transforms',
  sink: 'Sinks',
  solo: 'Utilities',
};

/** `@pypeline/mod-<kebab>` inside the monorepo; `[@scope/]pypeline-mod-<kebab>` elsewhere. */
export function packageNameFor(names: ModuleNames, monorepo: boolean, scope?: string): string {
  if (monorepo) return `@pypeline/mod-${names.kebab}`;
  if (!scope) return `pypeline-mod-${names.kebab}`;
  const clean = scope.replace(/^@/, '').replace(/\/$/, '');
  if (!/^[a-z0-9-~][a-z0-9-._~]*$/.test(clean)) {
    throw new PypeError(`--scope ${scope} is not an npm scope`, { hint: 'e.g. --scope @acme' });
  }
  return `@${clean}/pypeline-mod-${names.kebab}`;
}

import type { ConfigMigrations } from '@pypeline/sdk';

export interface MigrationStep {
  /** The major this step leads to. */
  major: number;
  /** False when the module ships no migration for this major (its config did not change). */
  migrated: boolean;
}

/**
 * Applies a module's migrations from `fromMajor` up to `toMajor`, one major at a time, each
 * on a copy. A major without an entry keeps the config as it is.
 */
export function migrateConfig(
  config: Record<string, unknown>,
  migrations: ConfigMigrations,
  fromMajor: number,
  toMajor: number,
): { config: Record<string, unknown>; steps: MigrationStep[] } {
  let current = structuredClone(config);
  const steps: MigrationStep[] = [];
  for (let major = fromMajor + 1; major <= toMajor; major++) {
    const migrate = migrations[major];
    if (typeof migrate !== 'function') {
      steps.push({ major, migrated: false });
      continue;
    }
    const next = migrate(structuredClone(current));
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new TypeError(`migrations[${major}] returned ${JSON.stringify(next)} instead of a config object`);
    }
    current = next;
    steps.push({ major, migrated: true });
  }
  return { config: current, steps };
}

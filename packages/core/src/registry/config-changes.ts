import { isDeepStrictEqual } from 'node:util';

export type ConfigSection = 'required' | 'optional';
export type SectionedConfig = Record<ConfigSection, Record<string, unknown>>;

/** One edit `pype upgrade` makes to a module's `configs`. */
export interface ConfigChange {
  key: string;
  kind: 'added' | 'removed' | 'changed' | 'moved' | 'renamed';
  /** The old key of a renamed one (same value under a new key). */
  oldKey?: string;
  /** Where the key was (removed, changed, moved). */
  from?: ConfigSection;
  /** Where the key goes (added, changed, moved). */
  to?: ConfigSection;
  before?: unknown;
  after?: unknown;
}

/** Splits a merged config into the flow's `required` / `optional` by a JSON Schema's `required`. */
export function splitConfig(config: Record<string, unknown>, jsonSchema: { required?: string[] }): SectionedConfig {
  const required = new Set(jsonSchema.required ?? []);
  const out: SectionedConfig = { required: {}, optional: {} };
  for (const [key, value] of Object.entries(config)) out[required.has(key) ? 'required' : 'optional'][key] = value;
  return out;
}

/** The edits that turn `before` into `after`, in the order keys appear (old keys first). */
export function diffConfigs(before: SectionedConfig, after: SectionedConfig): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const where = (c: SectionedConfig, key: string): ConfigSection | undefined =>
    key in c.required ? 'required' : key in c.optional ? 'optional' : undefined;
  const keys = [...new Set([...Object.keys(before.required), ...Object.keys(before.optional), ...Object.keys(after.required), ...Object.keys(after.optional)])];
  for (const key of keys) {
    const from = where(before, key);
    const to = where(after, key);
    const old = from && before[from][key];
    const next = to && after[to][key];
    if (from && !to) changes.push({ key, kind: 'removed', from, before: old });
    else if (!from && to) changes.push({ key, kind: 'added', to, after: next });
    else if (from && to && from !== to) changes.push({ key, kind: 'moved', from, to, before: old, after: next });
    else if (from && to && !isDeepStrictEqual(old, next)) changes.push({ key, kind: 'changed', from, to, before: old, after: next });
  }
  return withRenames(changes);
}

// A key removed and another added with the same value is a rename: the flow keeps the
// line (its comments and quoting) and only the key changes.
function withRenames(changes: ConfigChange[]): ConfigChange[] {
  const out = [...changes];
  for (const added of changes.filter((c) => c.kind === 'added')) {
    const removed = out.find((c) => c.kind === 'removed' && isDeepStrictEqual(c.before, added.after));
    if (!removed) continue;
    out[out.indexOf(removed)] = { key: added.key, kind: 'renamed', oldKey: removed.key, from: removed.from, to: added.to, before: removed.before, after: added.after };
    out.splice(out.indexOf(added), 1);
  }
  return out;
}

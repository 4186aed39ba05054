/**
 * The run's global variables: keys `{module_id}#{iter_index}.{var}`, case-insensitive.
 * Reads fall back from the current iteration to iteration 0.
 */
export class GlobalStore {
  private readonly values = new Map<string, unknown>();

  set(nodeId: string, key: string, value: unknown): void {
    this.values.set(`${nodeId}.${key}`.toLowerCase(), value);
  }

  get(moduleId: string, key: string, iterIndex = 0): unknown {
    const k = key.toLowerCase();
    const m = moduleId.toLowerCase();
    const hit = this.values.get(`${m}#${iterIndex}.${k}`);
    return hit !== undefined ? hit : this.values.get(`${m}#0.${k}`);
  }

  has(moduleId: string, key: string, iterIndex = 0): boolean {
    return this.get(moduleId, key, iterIndex) !== undefined;
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }
}

/**
 * The run's global variables: keys `{module_id}#{frame}.{var}` (frame `0` outside loops,
 * the iteration index inside one), case-insensitive. A read in a frame sees that frame's
 * value, else the value the module set most recently (e.g. the last iteration's, after a loop).
 */
export class GlobalStore {
  private readonly values = new Map<string, unknown>();
  private readonly latest = new Map<string, unknown>();
  /** Keys `set` since the store was made (not those `restore` brought): what a sub flow changed. */
  private readonly setValues = new Set<string>();
  private readonly setLatest = new Set<string>();
  /** The last `dump()`, until the next change: a distributed run's task and checkpoint take the same one. */
  private dumped: { values: Record<string, unknown>; latest: Record<string, unknown> } | undefined;

  set(nodeId: string, key: string, value: unknown): void {
    const k = `${nodeId}.${key}`.toLowerCase();
    const l = `${nodeId.split('#')[0]}.${key}`.toLowerCase();
    this.values.set(k, value);
    this.latest.set(l, value);
    this.dumped = undefined;
    this.setValues.add(k);
    this.setLatest.add(l);
  }

  /** `frame` undefined = outside any loop: the most recent value. */
  get(moduleId: string, key: string, frame?: string): unknown {
    const m = moduleId.toLowerCase();
    const k = key.toLowerCase();
    // WARNING: outside loops node ids also end in #0, like a loop's first iteration; reading the
    // latest value there keeps `{{x__var}}` after a loop at the last iteration's value.
    const hit = frame === undefined ? undefined : this.values.get(`${m}#${frame}.${k}`);
    return hit !== undefined ? hit : this.latest.get(`${m}.${k}`);
  }

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }

  /**
   * Everything, for a checkpoint or a worker's task.
   * WARNING: the same object is returned until the store changes: read it, never modify it.
   */
  dump(): { values: Record<string, unknown>; latest: Record<string, unknown> } {
    return (this.dumped ??= { values: Object.fromEntries(this.values), latest: Object.fromEntries(this.latest) });
  }

  /**
   * Only what `set` wrote, in `dump`'s shape: a worker returns this for its sub flow, so a result
   * carries the globals the sub flow set, not the whole run's again (and cannot put back an
   * older value of a global another sub flow set meanwhile).
   */
  dumpSet(): { values: Record<string, unknown>; latest: Record<string, unknown> } {
    return {
      values: Object.fromEntries([...this.setValues].map((k) => [k, this.values.get(k)])),
      latest: Object.fromEntries([...this.setLatest].map((k) => [k, this.latest.get(k)])),
    };
  }

  /** Restores what `dump` returned (resuming a run). */
  restore(data: { values: Record<string, unknown>; latest: Record<string, unknown> }): void {
    this.dumped = undefined;
    for (const [k, v] of Object.entries(data.values)) this.values.set(k, v);
    for (const [k, v] of Object.entries(data.latest)) this.latest.set(k, v);
  }
}

import { IntakeWaiters, type CheckpointMeta, type IntakeLog, type StagedCheckpoint, type StateStore } from './state-store.js';

/**
 * A state store in memory, for the deterministic test runner: it survives a simulated crash
 * (the runner keeps the store and builds a new engine) but not the process.
 */
export class MemoryStateStore implements StateStore {
  private meta: CheckpointMeta | undefined;
  private stagedCp: StagedCheckpoint | undefined;
  private state = new Map<string, Map<string, unknown>>();
  private logs = new Map<string, MemoryIntake>();

  current() { return this.meta && structuredClone(this.meta); }
  staged() { return this.stagedCp && structuredClone(this.stagedCp); }
  entries(op: string): Iterable<[string, unknown]> {
    const m = this.state.get(op);
    return m ? [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, structuredClone(v)] as [string, unknown]) : [];
  }
  sizes() { return Object.fromEntries([...this.state].map(([op, m]) => [op, m.size])); }
  async stage(cp: StagedCheckpoint) { this.stagedCp = structuredClone(cp); }
  async applyStaged() {
    const cp = this.stagedCp;
    if (!cp) return;
    for (const [op, key, value] of cp.delta.puts) {
      if (!this.state.has(op)) this.state.set(op, new Map());
      this.state.get(op)!.set(key, value);
    }
    for (const [op, key] of cp.delta.deletes) this.state.get(op)?.delete(key);
    for (const [source, upTo] of Object.entries(cp.delta.trims)) this.logs.get(source)?.trim(upTo);
    this.meta = cp.meta;
    this.stagedCp = undefined;
  }
  async discardStaged() { this.stagedCp = undefined; }
  intake(source: string): IntakeLog {
    if (!this.logs.has(source)) this.logs.set(source, new MemoryIntake());
    return this.logs.get(source)!;
  }
  async close() {}
}

class MemoryIntake implements IntakeLog {
  private records = new Map<number, unknown>();
  private last = 0;
  private waiters = new IntakeWaiters();
  append(records: readonly unknown[]) {
    for (const r of records) this.records.set(++this.last, structuredClone(r));
    this.waiters.notify();
    return this.last;
  }
  read(after: number, limit: number) {
    const out: unknown[] = [];
    let last = after;
    for (let s = after + 1; s <= this.last && out.length < limit; s++) {
      if (this.records.has(s)) out.push(this.records.get(s));
      last = s;
    }
    return { records: out, last };
  }
  lastSeq() { return this.last; }
  skipTo(seq: number) { this.last = Math.max(this.last, seq); }
  waitFor(after: number, signal: AbortSignal) { return this.waiters.wait(() => this.last > after, signal); }
  trim(upTo: number) { for (const s of [...this.records.keys()]) if (s <= upTo) this.records.delete(s); }
}

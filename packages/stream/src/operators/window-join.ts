import { Field, Schema, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { takeRows } from '@pypeline/expr';
import { batchToRows, rowsToBatch, timeColumnMs, type Row } from '../arrow-rows.js';
import { schemaFromSpec, specOf } from '../schema-spec.js';
import type { StateDelta } from '../state/state-store.js';
import { assignWindows, type TimeWindow, type WindowSpec } from '../windows.js';
import type { Emit, Operator } from './operator.js';
import { TimerQueue } from './timer-queue.js';

interface JoinEntry {
  k: unknown;
  s: number;
  e: number;
  /** rows of the left and right inputs */
  l: Row[];
  r: Row[];
  f: 0 | 1;
}

const SCHEMA_KEY = '\u0000schema';

/**
 * Windowed inner join of two keyed streams: for each key and window, every pair of a left and
 * a right row, emitted when the window fires (the watermark is the smaller of the two inputs').
 * Late rows (past the allowed lateness) of either side go to `late`.
 */
export class WindowJoinOperator implements Operator {
  private entries = new Map<string, JoinEntry>();
  private fireQ = new TimerQueue();
  private cleanQ = new TimerQueue();
  private dirty = new Set<string>();
  private deleted = new Set<string>();
  private wm = -Infinity;
  private schemas: [Schema | undefined, Schema | undefined] = [undefined, undefined];
  private schemaDirty = false;
  private output: { schema: Schema; rightNames: Map<string, string> } | undefined;
  private readonly tmp: TimeWindow[] = [];

  constructor(
    readonly id: string,
    private readonly keys: [string, string],
    private readonly times: [string, string],
    private readonly spec: WindowSpec,
    private readonly lateness: number,
  ) {}

  process(batch: RecordBatch, input: number, emit: Emit): void {
    if (!this.schemas[input]) {
      this.schemas[input] = batch.schema;
      this.schemaDirty = true;
    }
    const keyName = this.keys[input];
    if (!batch.schema.fields.some((f) => f.name === keyName)) {
      throw new Error(`join "${this.id}": key column "${keyName}" is not in the ${input === 0 ? 'left' : 'right'} stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
    }
    const times = timeColumnMs(batch, this.times[input]);
    const rows = batchToRows(batch);
    const late: number[] = [];
    const extra: JoinEntry[] = [];
    for (let i = 0; i < rows.length; i++) {
      const t = times[i];
      if (t !== t) {
        late.push(i);
        continue;
      }
      const k = rows[i][keyName];
      const ks = typeof k === 'string' ? 's' + k : 'n' + String(k);
      let accepted = false;
      for (const w of assignWindows(this.spec, t, this.tmp)) {
        const maxTs = w.end - 1;
        if (maxTs + this.lateness <= this.wm) continue;
        const sk = ks + '\u0001' + w.start;
        let entry = this.entries.get(sk);
        if (!entry) {
          entry = { k, s: w.start, e: w.end, l: [], r: [], f: 0 };
          this.entries.set(sk, entry);
          this.deleted.delete(sk);
          this.fireQ.add(maxTs, sk);
          this.cleanQ.add(maxTs + this.lateness, sk);
        }
        (input === 0 ? entry.l : entry.r).push(rows[i]);
        this.dirty.add(sk);
        if (entry.f === 1 || maxTs <= this.wm) {
          // The window has fired: emit only the new row's pairs.
          entry.f = 1;
          extra.push(input === 0 ? { ...entry, l: [rows[i]] } : { ...entry, r: [rows[i]] });
        }
        accepted = true;
      }
      if (!accepted) late.push(i);
    }
    if (late.length > 0) emit('late', takeRows(batch, Uint32Array.from(late)));
    if (extra.length > 0) this.emitPairs(extra, emit);
  }

  onWatermark(wm: number, emit: Emit): void {
    if (wm <= this.wm) return;
    this.wm = wm;
    const fired: JoinEntry[] = [];
    for (const [time, keys] of this.fireQ.popUntil(wm)) {
      for (const sk of keys) {
        const e = this.entries.get(sk);
        if (!e || e.f === 1 || e.e - 1 !== time) continue;
        e.f = 1;
        this.dirty.add(sk);
        fired.push(e);
      }
    }
    if (fired.length > 0) this.emitPairs(fired, emit);
    for (const [time, keys] of this.cleanQ.popUntil(wm)) {
      for (const sk of keys) {
        const e = this.entries.get(sk);
        if (!e || e.e - 1 + this.lateness !== time) continue;
        this.entries.delete(sk);
        this.dirty.delete(sk);
        this.deleted.add(sk);
      }
    }
  }

  private outputSchema(): { schema: Schema; rightNames: Map<string, string> } | undefined {
    if (this.output) return this.output;
    const [left, right] = this.schemas;
    if (!left || !right) return undefined;
    const keyField = left.fields.find((f) => f.name === this.keys[0])!;
    const fields = [keyField, new Field('window_start', new TimestampMillisecond(), false), new Field('window_end', new TimestampMillisecond(), false)];
    const leftFields = left.fields.filter((f) => f.name !== this.keys[0]);
    fields.push(...leftFields);
    const taken = new Set(fields.map((f) => f.name));
    const rightNames = new Map<string, string>();
    for (const f of right.fields) {
      if (f.name === this.keys[1]) continue;
      let name = f.name;
      while (taken.has(name)) name = `right_${name}`;
      taken.add(name);
      rightNames.set(f.name, name);
      fields.push(new Field(name, f.type, true));
    }
    this.output = { schema: new Schema(fields), rightNames };
    return this.output;
  }

  private emitPairs(entries: JoinEntry[], emit: Emit) {
    const out = this.outputSchema();
    if (!out) return; // one side has never produced a row: no pairs
    const rows: Row[] = [];
    const [lk, rk] = this.keys;
    for (const e of entries) {
      for (const l of e.l) {
        for (const r of e.r) {
          const row: Row = { [lk]: e.k, window_start: e.s, window_end: e.e };
          for (const [name, v] of Object.entries(l)) if (name !== lk) row[name] = v;
          for (const [name, v] of Object.entries(r)) if (name !== rk) row[out.rightNames.get(name) ?? name] = v;
          rows.push(row);
        }
      }
    }
    if (rows.length > 0) emit('out', rowsToBatch(rows, out.schema));
  }

  snapshot(delta: StateDelta): void {
    if (this.schemaDirty) {
      delta.puts.push([this.id, SCHEMA_KEY, this.schemas.map((s) => (s ? specOf(s) : null))]);
      this.schemaDirty = false;
    }
    for (const sk of this.dirty) delta.puts.push([this.id, sk, this.entries.get(sk)]);
    for (const sk of this.deleted) delta.deletes.push([this.id, sk]);
    this.dirty.clear();
    this.deleted.clear();
  }

  restore(entries: Iterable<[string, unknown]>): void {
    for (const [sk, value] of entries) {
      if (sk === SCHEMA_KEY) {
        const [l, r] = value as [Record<string, never> | null, Record<string, never> | null];
        this.schemas = [l ? schemaFromSpec(l) : undefined, r ? schemaFromSpec(r) : undefined];
        continue;
      }
      const e = value as JoinEntry;
      this.entries.set(sk, e);
      if (e.f === 0) this.fireQ.add(e.e - 1, sk);
      this.cleanQ.add(e.e - 1 + this.lateness, sk);
    }
  }

  stateSize(): number { return this.entries.size; }
}

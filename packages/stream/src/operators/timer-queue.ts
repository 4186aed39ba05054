/** Times (epoch ms) with sets of items (state keys, entries) due at each, popped in time order. */
export class TimerQueue<T = string> {
  private heap: number[] = [];
  private due = new Map<number, Set<T>>();

  add(time: number, key: T): void {
    let set = this.due.get(time);
    if (!set) {
      set = new Set();
      this.due.set(time, set);
      this.push(time);
    }
    set.add(key);
  }

  /** Removes and returns the keys due at or before `t`, earliest time first. */
  popUntil(t: number): Array<[time: number, keys: Set<T>]> {
    const out: Array<[number, Set<T>]> = [];
    while (this.heap.length > 0 && this.heap[0] <= t) {
      const time = this.pop();
      out.push([time, this.due.get(time)!]);
      this.due.delete(time);
    }
    return out;
  }

  clear(): void {
    this.heap = [];
    this.due.clear();
  }

  private push(v: number) {
    const h = this.heap;
    h.push(v);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= v) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = v;
  }

  private pop(): number {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && h[l + 1] < h[l] ? l + 1 : l;
        if (h[c] >= last) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

import { describe, expect, it } from 'vitest';
import { GlobalStore } from './globals.js';

describe('GlobalStore.dump', () => {
  it('is taken again after every change, and shared while nothing changed', () => {
    const g = new GlobalStore();
    g.set('a#0', 'x', 1);
    const first = g.dump();
    expect(g.dump()).toBe(first);
    g.set('b#0', 'y', 2);
    expect(g.dump()).toEqual({ values: { 'a#0.x': 1, 'b#0.y': 2 }, latest: { 'a.x': 1, 'b.y': 2 } });
    expect(first).toEqual({ values: { 'a#0.x': 1 }, latest: { 'a.x': 1 } });
    g.restore({ values: { 'c#0.z': 3 }, latest: { 'c.z': 3 } });
    expect(g.dump().values).toEqual({ 'a#0.x': 1, 'b#0.y': 2, 'c#0.z': 3 });
  });
});

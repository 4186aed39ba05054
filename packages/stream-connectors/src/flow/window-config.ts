import { session, sliding, tumbling, type WindowSpec } from '@pypeline/stream';

/** A YAML window, `{ tumbling: 1m }`, `{ sliding: 1m, every: 10s }` or `{ session: 30s }`, as a WindowSpec; throws saying what is wrong. */
export function windowFrom(value: unknown): WindowSpec {
  const w = value as Record<string, string | number>;
  const kinds = ['tumbling', 'sliding', 'session'].filter((k) => w[k] !== undefined);
  const extra = Object.keys(w).filter((k) => !['tumbling', 'sliding', 'session', 'every'].includes(k));
  if (kinds.length !== 1 || extra.length > 0) throw new Error(`write the window as { tumbling: 1m }, { sliding: 1m, every: 10s } or { session: 30s }${extra.length > 0 ? ` (not ${extra.join(', ')})` : ''}`);
  if (w.tumbling !== undefined) return tumbling(w.tumbling);
  if (w.session !== undefined) return session(w.session);
  if (w.every === undefined) throw new Error('a sliding window needs `every`, e.g. { sliding: 1m, every: 10s }');
  return sliding(w.sliding, w.every);
}

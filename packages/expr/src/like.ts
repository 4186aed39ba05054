import { changeCaseText } from './functions.js';
import { EvalError } from './scalar/eval-error.js';

/**
 * A LIKE pattern, classified so kernels can take a byte-level fast path: `abc` (exact),
 * `abc%` (prefix), `%abc` (suffix), `%abc%` (contains); anything else is a regular expression.
 * `%` is any text, `_` exactly one character; `escape` makes the next character literal.
 */
type LikeShape = { kind: 'exact' | 'prefix' | 'suffix' | 'contains'; text: string } | { kind: 'regex'; re: RegExp };

export type LikePlan = LikeShape & {
  /** ILIKE: the text is lower-cased as lower() does before matching (the pattern already is). */
  fold: boolean;
};

const cache = new Map<string, LikePlan>();

export function planLike(pattern: string, escape: string | null, caseInsensitive: boolean): LikePlan {
  const key = `${caseInsensitive ? 'i' : 'c'}${escape ?? ''}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tokens: { wild: '%' | '_' | null; ch: string }[] = [];
  const cs = [...pattern];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (escape !== null && c === escape) {
      if (i + 1 >= cs.length) throw new EvalError(`the LIKE pattern '${pattern}' ends with its escape character`, 'escape a character after it, or drop the escape');
      tokens.push({ wild: null, ch: cs[++i] });
    } else tokens.push({ wild: c === '%' || c === '_' ? c : null, ch: c });
  }
  // ILIKE compares lower(text) with lower(pattern), as DuckDB: one case mapping for the whole language.
  if (caseInsensitive) for (const t of tokens) if (t.wild === null) t.ch = changeCaseText(t.ch, false);
  let plan: LikeShape;
  const literal = (ts: typeof tokens) => ts.every((t) => t.wild === null);
  const text = (ts: typeof tokens) => ts.map((t) => t.ch).join('');
  const n = tokens.length;
  if (literal(tokens)) plan = { kind: 'exact', text: text(tokens) };
  else if (n >= 1 && tokens[n - 1].wild === '%' && literal(tokens.slice(0, -1))) plan = { kind: 'prefix', text: text(tokens.slice(0, -1)) };
  else if (n >= 1 && tokens[0].wild === '%' && literal(tokens.slice(1))) plan = { kind: 'suffix', text: text(tokens.slice(1)) };
  else if (n >= 2 && tokens[0].wild === '%' && tokens[n - 1].wild === '%' && literal(tokens.slice(1, -1))) plan = { kind: 'contains', text: text(tokens.slice(1, -1)) };
  else {
    const source = tokens.map((t) => (t.wild === '%' ? '[\\s\\S]*' : t.wild === '_' ? '[\\s\\S]' : t.ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
    plan = { kind: 'regex', re: new RegExp(`^${source}$`, 'u') };
  }
  const done: LikePlan = { ...plan, fold: caseInsensitive };
  if (cache.size > 500) cache.clear();
  cache.set(key, done);
  return done;
}

export function likeMatches(plan: LikePlan, text: string): boolean {
  const s = plan.fold ? changeCaseText(text, false) : text;
  switch (plan.kind) {
    case 'exact': return s === plan.text;
    case 'prefix': return s.startsWith(plan.text);
    case 'suffix': return s.endsWith(plan.text);
    case 'contains': return s.includes(plan.text);
    case 'regex': return plan.re.test(s);
  }
}

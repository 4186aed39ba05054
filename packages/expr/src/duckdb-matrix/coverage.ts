import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from '../functions.js';
import { parseExpression } from '../parse.js';
import { tokenize } from '../tokenize.js';
import { KEYWORD_CANDIDATES, OPERATOR_CANDIDATES, type MatrixCase } from './cases.js';

/**
 * What the cases exercise, read from their parse trees and tokens, against what the language
 * has: every function of the table, every node kind and operator of the AST (read from ast.ts,
 * so new syntax shows up without editing this file), every operator and keyword spelling the
 * tokenizer knows.
 */
export function missingCoverage(cases: readonly MatrixCase[]): string[] {
  const calls = new Set<string>();
  const kinds = new Set<string>();
  const ops = new Set<string>();
  const spellings = new Set<string>();
  const words = new Set<string>();
  for (const c of cases) {
    walk(parseExpression(c.pype).expr, calls, kinds, ops);
    for (const tok of tokenize(c.pype).tokens) {
      if (tok.kind === 'op' || tok.kind === 'keyword') spellings.add(String(tok.value));
      if (tok.kind === 'ident' || tok.kind === 'keyword') words.add(String(tok.value).toLowerCase());
    }
  }
  const missing: string[] = [];
  for (const f of FUNCTIONS) {
    for (const name of [f.name, ...(f.aliases ?? [])]) if (!calls.has(name)) missing.push(name === f.name ? `function ${f.signature}` : `${name}(), another name of ${f.name}()`);
  }
  const ast = astDeclarations();
  for (const kind of ast.kinds) if (!kinds.has(kind)) missing.push(`expression kind '${kind}' (ast.ts)`);
  for (const op of ast.ops) if (!ops.has(op)) missing.push(`operator '${op}' (ast.ts)`);
  for (const word of knownSpellings()) if (!spellings.has(word)) missing.push(`spelling '${word}' (the tokenizer accepts it)`);
  for (const word of parserWords()) if (!words.has(word)) missing.push(`word '${word}' (the parser reads it, e.g. IS DISTINCT FROM, extract(… FROM t), typed literals)`);
  return missing;
}

function walk(node: unknown, calls: Set<string>, kinds: Set<string>, ops: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, calls, kinds, ops);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const rec = node as Record<string, unknown>;
  if (typeof rec.kind === 'string') kinds.add(rec.kind);
  if (rec.kind === 'call' && typeof rec.name === 'string') calls.add(rec.name);
  if (typeof rec.op === 'string') ops.add(rec.op);
  if (rec.negated === true && typeof rec.kind === 'string') ops.add(`not ${rec.kind}`);
  for (const [key, value] of Object.entries(rec)) if (key !== 'nameSpan') walk(value, calls, kinds, ops);
}

/** `kind: 'x'` of every node interface and the members of every `...Op` union in ast.ts. */
export function astDeclarations(): { kinds: string[]; ops: string[] } {
  const source = readFileSync(fileURLToPath(new URL('../ast.ts', import.meta.url)), 'utf8');
  const kinds = [...source.matchAll(/\bkind: '(\w+)'/g)].map((m) => m[1]);
  const ops = [...source.matchAll(/export type \w*Op = ([^;]+);/g)].flatMap((m) => [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]));
  // Node kinds with a `negated` flag (`x not in (...)`) need their negated form covered too.
  const negatable = [...source.matchAll(/interface \w+ extends Span \{[^}]*kind: '(\w+)'[^}]*negated: boolean[^}]*\}/g)].map((m) => `not ${m[1]}`);
  if (kinds.length === 0) throw new Error('duckdb matrix: found no `kind:` in ast.ts; update astDeclarations() to how ast.ts declares nodes');
  return { kinds: [...new Set(kinds)], ops: [...new Set([...ops, ...negatable])] };
}

/** Words parse.ts reads in context (`isWord('distinct')`, `word === 'extract'`, `isOp('when')`). */
function parserWords(): string[] {
  const source = readFileSync(fileURLToPath(new URL('../parse.ts', import.meta.url)), 'utf8');
  const found = [...source.matchAll(/(?:isWord|isOp)\('([a-z_]+)'|word === '([a-z_]+)'/g)].map((m) => m[1] ?? m[2]);
  return [...new Set(found)];
}

/** Operator and keyword spellings the tokenizer reads as one token (asked, not copied). */
function knownSpellings(): string[] {
  const known: string[] = [];
  for (const word of [...OPERATOR_CANDIDATES, ...KEYWORD_CANDIDATES]) {
    const { tokens, errors } = tokenize(word);
    if (errors.length === 0 && tokens.length === 2 && (tokens[0].kind === 'op' || tokens[0].kind === 'keyword') && tokens[0].value === word) known.push(word);
  }
  return known.filter((w) => !['(', ')', ','].includes(w));
}

import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, PathSegment } from './diagnostics.js';
import { errorMessage } from '@pypeline/sdk';

export interface Position {
  line: number;
  column: number;
}

/** A parsed YAML flow that can tell where any path sits in the source text. */
export interface YamlDocument {
  data: unknown;
  /** Position of the value at `path`; falls back to the nearest existing parent. */
  locate(path: readonly PathSegment[], which?: 'value' | 'key'): Position;
  /** Position of the value at `path` plus `offset` characters inside it (for strings). */
  locateInside(path: readonly PathSegment[], offset: number): Position;
  syntaxErrors: Diagnostic[];
}

export function parseYaml(text: string): YamlDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const MAX_REPORTED = 20;
  // The parser reports nesting it cannot follow as a syntax error ("Maximum call stack size
  // exceeded"), often many times; one error about the nesting replaces them.
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  const problems = overflow ? [] : [...doc.errors, ...doc.warnings];
  const syntaxErrors: Diagnostic[] = problems.slice(0, MAX_REPORTED).map((e) => {
    const p = pos(e.pos[0]);
    const dup = e.code === 'DUPLICATE_KEY';
    return {
      severity: doc.errors.includes(e) ? 'error' : 'warning',
      path: '(yaml)',
      line: p.line,
      column: p.column,
      message: `YAML ${dup ? 'duplicate key' : 'syntax error'}: ${firstLine(e.message)}`,
      hint: dup ? 'remove or rename the repeated key' : 'check indentation, colons and quotes around this line',
    };
  });
  if (problems.length > MAX_REPORTED) {
    const last = pos(problems[MAX_REPORTED].pos[0]);
    syntaxErrors.push({ severity: 'error', path: '(yaml)', ...last, message: `… and ${problems.length - MAX_REPORTED} more YAML problems after this line`, hint: 'fix the first ones; later ones often follow from them' });
  }

  const walk = (path: readonly PathSegment[]): { node: Node | null; keyNode: Node | null } => {
    let node: unknown = doc.contents;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        keyNode = null;
        node = node.items[seg];
      } else break;
    }
    return { node: (node as Node | null) ?? null, keyNode };
  };

  const offsetOf = (path: readonly PathSegment[], which: 'value' | 'key'): number => {
    const { node, keyNode } = walk(path);
    const target = which === 'key' && keyNode ? keyNode : (node ?? keyNode);
    return target?.range?.[0] ?? 0;
  };

  let data: unknown;
  const deep = overflow ? overflow.pos[0] : doc.errors.length ? null : tooDeep(doc.contents);
  if (deep !== null) {
    const p = pos(deep);
    syntaxErrors.push({
      severity: 'error', path: '(yaml)', line: p.line, column: p.column,
      message: `YAML nesting deeper than ${MAX_DEPTH} levels at line ${p.line}; flows never need this`,
      hint: 'a flow nests a few levels (modules, configs, values); flatten this value, or keep deep data in a file the module reads',
    });
    return { data, syntaxErrors, locate: () => p, locateInside: () => p };
  }
  const aliasProblem = doc.errors.length ? null : checkAliases(doc);
  if (aliasProblem) {
    const p = pos(aliasProblem.offset);
    syntaxErrors.push({ severity: 'error', path: '(yaml)', line: p.line, column: p.column, message: `YAML error: ${aliasProblem.message}`, hint: 'flows do not need recursive or massive aliases; write the values out' });
  } else if (!doc.errors.length) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Unresolved aliases and alias bombs surface only when the document is converted.
      syntaxErrors.push({ severity: 'error', path: '(yaml)', line: 1, column: 1, message: `YAML error: ${firstLine(errorMessage(err))}`, hint: 'define each &anchor before its *alias, and avoid alias chains' });
    }
  }
  return {
    data,
    syntaxErrors,
    locate: (path, which = 'value') => pos(offsetOf(path, which)),
    locateInside: (path, offset) => {
      const { node } = walk(path);
      if (!node?.range || !isScalar(node)) return pos(offsetOf(path, 'value'));
      // Quoted scalars start one character before their content.
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
      return pos(node.range[0] + quoted + offset);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** Deeper than any flow needs (modules, configs and a nested value are under ten); deeper still overflows the parser. */
const MAX_DEPTH = 100;

/** Offset of the first mapping or sequence nested deeper than MAX_DEPTH, or null. Iterative, so depth cannot overflow it. */
function tooDeep(root: unknown): number | null {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) return node.range?.[0] ?? 0;
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      if (isPair(item)) stack.push([item.value, depth + 1], [item.key, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return null;
}

const MAX_ALIASES = 100;

/**
 * Recursive aliases (an alias inside its own anchor) and alias floods make YAML expansion
 * explode in time and memory; they are refused before the document is converted.
 */
function checkAliases(doc: Document): { message: string; offset: number } | null {
  let count = 0;
  let problem: { message: string; offset: number } | null = null;
  visit(doc, {
    Alias(_, alias) {
      count++;
      const offset = alias.range?.[0] ?? 0;
      if (count > MAX_ALIASES) {
        problem = { message: `more than ${MAX_ALIASES} aliases`, offset };
        return visit.BREAK;
      }
      const target = alias.resolve(doc) as Node | undefined;
      if (target?.range && offset >= target.range[0] && offset < target.range[2]) {
        problem = { message: `alias *${alias.source} refers to the node that contains it (a recursive alias)`, offset };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return problem;
}

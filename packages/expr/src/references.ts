import { childrenOf, type Expr } from './ast.js';

/** Distinct column names the expression reads, in order of first appearance. */
export function columnsOf(expr: Expr): string[] {
  return collect(expr, (e) => (e.kind === 'column' ? e.name : null));
}

/** Distinct `{{...}}` variable names the expression reads, in order of first appearance. */
export function variablesOf(expr: Expr): string[] {
  return collect(expr, (e) => (e.kind === 'variable' ? e.name : null));
}

function collect(root: Expr, pick: (e: Expr) => string | null): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr): void => {
    const name = pick(e);
    if (name !== null) seen.add(name);
    childrenOf(e).forEach(visit);
  };
  visit(root);
  return [...seen];
}

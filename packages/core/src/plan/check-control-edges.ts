import { columnsOf, parseExpression, variablesOf } from '@pypeline/expr';
import type { Flow } from '../flow/types.js';
import { suggestion } from '../flow/did-you-mean.js';
import type { ResolvedModule } from './check-modules.js';
import { checkRef } from './check-refs.js';
import { successorsOf } from './detect-cycles.js';
import type { Collector } from './collector.js';
import { isSyntaxError, parseControlEdge, type ParsedControlEdge } from './parse-connections.js';
import type { ControlEdge, DataEdge, SubFlow } from './types.js';

const NO_CONTROL_OUT: Record<string, string> = { mod: 'transform modules (mods) take no control connections; connect their sub flow from its source or sink' };
const NO_CONTROL_IN: Record<string, string> = {
  mod: 'transform modules (mods) take no control connections; connect to the source of their sub flow',
  sink: 'sinks take no incoming control connections; connect to the source of their sub flow',
};

/**
 * Control connections join sub flows. The module category table applies to connections
 * between sub flows; one inside a sub flow only repeats what data edges imply, so it is
 * accepted with a warning when it agrees with them (the spec's sample flow has such edges).
 */
export function checkControlEdges(
  flow: Flow,
  modules: Map<string, ResolvedModule>,
  subflows: SubFlow[],
  dataEdges: DataEdge[],
  out: Collector,
): ControlEdge[] {
  const subflowOf = new Map(subflows.flatMap((sf) => sf.modules.map((m) => [m, sf.id] as const)));
  const ids = flow.modules.map((m) => m.id);
  const known = new Set(ids);
  const dataNext = successorsOf(dataEdges, (d) => d.from, (d) => d.to);
  const pending: (ParsedControlEdge & { last: boolean; order: number; parallel?: number; text: string })[] = [];

  flow.connections.control.forEach((text, index) => {
    const at = ['connections', 'control', index];
    const e = parseControlEdge(text, index);
    if (isSyntaxError(e)) return out.error(at, e.message, e.hint);
    let ok = true;
    for (const id of [e.from, e.to]) {
      if (!known.has(id)) {
        out.error(at, `control connection "${text}": unknown module id "${id}".${suggestion(id, ids)}`, `module ids: ${ids.join(', ')}`);
        ok = false;
      }
    }
    // A kind without an order (`(iterate|)`, `(start|)`) takes order 1.
    const order = e.kind !== 'normal' && e.orderText === '' ? 1 : checkOrder(e.orderText, e.kind, text, at, out);
    const parallel = checkParallel(e, text, at, out);
    if (parallel === null) ok = false;
    if (e.condition !== null) checkCondition(e, flow, modules, at, out);
    if (!ok || order === null) return;
    if (e.from === e.to) return out.error(at, `control connection "${text}" connects ${e.from} to itself`, 'remove it');
    const from = modules.get(e.from);
    const to = modules.get(e.to);
    if (!from || !to) return;
    if (subflowOf.get(e.from) === subflowOf.get(e.to)) {
      if (e.kind !== 'normal') {
        return out.error(at, `${e.kind.toUpperCase()} connection "${text}" joins two modules of one sub flow`, `an ${e.kind} edge must lead to another sub flow (a module with no data connection to ${e.from})`);
      }
      if (reaches(e.from, e.to, dataNext)) {
        out.warn(at, `control connection "${text}" joins two modules of one sub flow; their data connection already orders them, so it is ignored`, 'remove it');
      } else {
        out.error(at, `control connection "${text}" runs against the data flow of its sub flow (data goes ${e.to} -> ${e.from})`, 'remove it');
      }
      return;
    }
    if (NO_CONTROL_OUT[from.entry.type]) {
      out.error(at, `control connection "${text}" leaves ${e.from} (${from.entry.name}); ${NO_CONTROL_OUT[from.entry.type]}`);
      ok = false;
    }
    if (NO_CONTROL_IN[to.entry.type]) {
      out.error(at, `control connection "${text}" goes into ${e.to} (${to.entry.name}); ${NO_CONTROL_IN[to.entry.type]}`);
      ok = false;
    }
    if (e.kind === 'iterate' && from.entry.output_ports.length === 0) {
      out.error(at, `ITERATE connection "${text}" leaves ${e.from} (${from.entry.name}), a ${from.entry.type} that produces no list`, 'ITERATE must leave a module with an output port whose rows are the items, e.g. file_list');
      ok = false;
    }
    if (ok) pending.push({ ...e, last: order === 'last', order: order === 'last' ? 0 : order, parallel: parallel ?? undefined, text });
  });

  // reduce, not Math.max(...spread): a spread of many thousand edges overflows the call stack.
  const maxOrder = pending.reduce((max, e) => (e.last ? max : Math.max(max, e.order)), 0);
  return pending
    .map((e) => ({
      from: e.from,
      to: e.to,
      kind: e.kind,
      ...(e.kind === 'iterate' ? { list_port: modules.get(e.from)!.entry.output_ports[0] } : {}),
      ...(e.parallel !== undefined && e.parallel > 1 ? { parallel: e.parallel } : {}),
      order: e.last ? maxOrder + 1 : e.order,
      order_text: e.orderText,
      condition: e.condition,
      from_subflow: subflowOf.get(e.from)!,
      to_subflow: subflowOf.get(e.to)!,
      text: e.text,
    }))
    .sort((a, b) => a.order - b.order);
}

function checkOrder(orderText: string, kind: ParsedControlEdge['kind'], text: string, at: (string | number)[], out: Collector): number | 'last' | null {
  if (/^last$/i.test(orderText)) return 'last';
  if (/^\d+$/.test(orderText)) {
    const n = Number(orderText);
    if (n === 0 && kind === 'start') {
      out.error(at, `control connection "${text}": START with order 0 says nothing more than START`, 'write (start|): START already launches its target without waiting; order 0 is for a normal or iterate connection whose target the source\'s scope waits for');
      return null;
    }
    return n;
  }
  out.error(at, `control connection "${text}": the order "${orderText}" is not a number`, 'write the valve as (order|condition) with order 0..N or Last, e.g. (1|); order 0 launches the target at once, beside the ordered ones');
  return null;
}

/** `parallel N` on an ITERATE connection: N iterations at once. undefined when absent, null when wrong. */
function checkParallel(e: ParsedControlEdge, text: string, at: (string | number)[], out: Collector): number | undefined | null {
  if (e.parallelText === null) return undefined;
  if (e.kind !== 'iterate') {
    out.error(at, `control connection "${text}": "parallel" applies to ITERATE connections only`, 'write it after iterate, e.g. "files (iterate parallel 4|) load"; equal orders already run normal connections in parallel');
    return null;
  }
  if (!/^\d+$/.test(e.parallelText) || Number(e.parallelText) < 1) {
    out.error(at, `control connection "${text}": "parallel ${e.parallelText}" is not a whole number of 1 or more`, 'write how many iterations run at once, e.g. (iterate parallel 4|)');
    return null;
  }
  return Number(e.parallelText);
}

function checkCondition(e: ParsedControlEdge, flow: Flow, modules: Map<string, ResolvedModule>, at: (string | number)[], out: Collector): void {
  const cond = e.condition!;
  const parsed = parseExpression(cond);
  for (const d of parsed.errors) {
    out.error(at, `valve condition "${cond}" does not parse: ${d.message}`, d.hint, { offset: e.conditionOffset + d.start });
  }
  if (!parsed.expr) return;
  // In a valve, a bare name is a variable too: `load__row_count > 0` reads a global.
  for (const name of [...variablesOf(parsed.expr), ...columnsOf(parsed.expr)]) {
    const problem = checkRef(name, flow, modules);
    if (problem) out.error(at, `valve condition "${cond}": ${problem.message}`, problem.hint, { offset: e.conditionOffset + Math.max(0, cond.indexOf(name)) });
  }
}

function reaches(from: string, to: string, next: (n: string) => readonly string[]): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const n of next(stack.pop()!)) {
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(n);
    }
  }
  return false;
}

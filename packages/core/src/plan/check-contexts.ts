import { PypeError } from '../errors.js';
import { contextProblems } from '../flow/context-schema.js';
import type { Flow } from '../flow/types.js';
import type { Collector } from './collector.js';

/** Each context environment the flow declares must fit its `context_schema`; every problem is reported. */
export function checkContexts(flow: Flow, declared: string[], out: Collector): void {
  if (flow.context_schema === undefined) return;
  for (const env of declared) {
    let problems;
    try {
      problems = contextProblems(flow.context[env] ?? {}, flow.context_schema, flow.flow.name);
    } catch (err) {
      if (!(err instanceof PypeError)) throw err;
      return out.error(['context_schema'], err.message, err.hint);
    }
    for (const p of problems) {
      out.error(['context', env, ...p.path], `context "${env}": ${p.message}`, p.hint ?? 'make the value fit context_schema (in a TypeScript flow: the exported Context type)', { atKey: p.atKey });
    }
  }
}

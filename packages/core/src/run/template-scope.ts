import type { TemplateScope } from '../template/templater.js';
import { frameKey, type RunState } from './run-state.js';

/** What `{{context.x}}` and `{{module__var}}` read in the current frame. */
export function templateScope(state: RunState): TemplateScope {
  const key = state.frame.path.length ? frameKey(state.frame) : undefined;
  const iter = state.frame.path.length ? { index: state.frame.path.at(-1)!, item: state.frame.item } : undefined;
  return { context: state.context, secrets: state.secrets, iter, global: (m, v) => state.globals.get(m, v, key) };
}

import { describe, expect, it } from 'vitest';
import { loadFlowText } from './load-flow.js';

const HEAD = 'flow:\n  name: x\nmodules:\n  - id: a\n    name: b\n    configs:\n      required:\n';

/** `levels` block mappings nested under configs.required, one per line from line 8. */
function blockNested(levels: number): string {
  let text = HEAD;
  for (let i = 0; i < levels; i++) text += `${' '.repeat(8 + i)}k${i}:\n`;
  return text;
}

describe('deeply nested YAML', () => {
  it.each([
    // The document, modules, its item, configs and required are 5 levels: the mapping of k96 (line 104) is the 101st.
    ['block mappings a little too deep', blockNested(120), 8 + 96],
    ['flow sequences a little too deep', `${HEAD}        v: ${'['.repeat(120)}${']'.repeat(120)}\n`, 8],
    ['block mappings too deep for the parser', blockNested(3000), null],
    ['flow sequences too deep for the parser', `${HEAD}        v: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, 8],
  ])('%s: one clear error with the line, not a syntax hint', (_, text, line) => {
    const { diagnostics, flow } = loadFlowText('flow.yaml', text);
    expect(flow).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d.severity).toBe('error');
    expect(d.message).toMatch(/^YAML nesting deeper than 100 levels at line \d+; flows never need this$/);
    expect(d.message).toContain(`at line ${d.line};`);
    if (line !== null) expect(d.line).toBe(line);
    expect(d.hint).not.toMatch(/indentation, colons and quotes/);
    expect(d.hint).toMatch(/flatten/);
  });

  it('accepts nesting a flow can need', () => {
    const { diagnostics } = loadFlowText('flow.yaml', `${HEAD}        v: ${'['.repeat(30)}1${']'.repeat(30)}\n`);
    expect(diagnostics.filter((d) => /nesting/.test(d.message))).toEqual([]);
  });
});

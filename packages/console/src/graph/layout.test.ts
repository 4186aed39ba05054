import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../api.js';
import { controlLabel, layoutFlow } from './layout.js';

const graph: FlowGraph = {
  flow: 'f',
  nodes: ['list', 'load', 'report'].map((id) => ({ id, name: id, config: {}, inputPorts: [], outputPorts: [] })),
  subflows: [{ id: 'subflow_1', modules: ['list', 'load'] }, { id: 'subflow_2', modules: ['report'] }],
  dataEdges: [{ from: 'list', fromPort: 'data', to: 'load', toPort: 'input' }],
  controlEdges: [{ from: 'load', to: 'report', kind: 'normal', order: 'Last', condition: '{{load__row_count}} > 0' }],
  problems: [],
};

describe('the graph layout (elkjs)', () => {
  it('places every module inside its sub flow, left to right along the connections, with the valve as a label', async () => {
    const l = await layoutFlow(graph);
    const box = (id: string) => l.nodes.get(id)!;
    const sf = (id: string) => l.subflows.find((s) => s.id === id)!;
    for (const [node, sub] of [['list', 'subflow_1'], ['load', 'subflow_1'], ['report', 'subflow_2']]) {
      expect(box(node).x).toBeGreaterThanOrEqual(sf(sub).x);
      expect(box(node).x + box(node).width).toBeLessThanOrEqual(sf(sub).x + sf(sub).width);
    }
    expect(box('list').x).toBeLessThan(box('load').x);
    expect(box('load').x).toBeLessThan(box('report').x);
    const control = l.edges.find((e) => e.kind === 'normal')!;
    expect(control.label?.text).toBe('Last | {{load__row_count}} > 0');
    expect(control.points.length).toBeGreaterThanOrEqual(2);
    expect(l.width).toBeGreaterThan(box('report').x);
  });

  it('names ITERATE and START connections apart from ordered ones', () => {
    expect(controlLabel({ from: 'a', to: 'b', kind: 'iterate', order: '', condition: null })).toBe('ITERATE');
    expect(controlLabel({ from: 'a', to: 'b', kind: 'start', order: '2', condition: null })).toBe('START 2');
    expect(controlLabel({ from: 'a', to: 'b', kind: 'normal', order: '1', condition: null })).toBe('1');
  });
});

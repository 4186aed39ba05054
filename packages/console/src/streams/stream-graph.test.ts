import { describe, expect, it } from 'vitest';
import { layoutFlow } from '../graph/layout.js';
import { formatWatermark, streamGraph } from './stream-graph.js';
import type { StreamNode } from './streams-api.js';

const node = (id: string, kind: StreamNode['kind'], type: string, inputs: string[]): StreamNode =>
  ({ id, kind, type, inputs, rowsIn: 0, rowsOut: 0, rowsPerSec: 0, lateRows: 0, watermark: null, stateEntries: 0 });

describe('a stream app\'s topology as a graph', () => {
  const nodes = [
    node('readings', 'source', 'file-tail', []),
    node('valid', 'operator', 'filter_mod', ['readings']),
    node('per_second', 'operator', 'window', ['valid']),
    node('out', 'sink', 'file', ['per_second']),
    node('late_out', 'sink', 'console', ['per_second.late']),
  ];

  it('makes each operator a node coloured by its kind and each input a connection, a window\'s late output on port late', () => {
    const g = streamGraph('sensors', nodes);
    expect(g.nodes.map((n) => [n.id, n.name, n.type])).toEqual([
      ['readings', 'file-tail', 'source'], ['valid', 'filter_mod', 'mod'], ['per_second', 'window', 'mod'], ['out', 'file', 'sink'], ['late_out', 'console', 'sink'],
    ]);
    expect(g.dataEdges.map((e) => `${e.from}.${e.fromPort}->${e.to}`)).toEqual(['readings.out->valid', 'valid.out->per_second', 'per_second.out->out', 'per_second.late->late_out']);
  });

  it('lays out left to right with ELK, the source first and the sinks last', async () => {
    const layout = await layoutFlow(streamGraph('sensors', nodes), { width: 216, height: 96 });
    const x = (id: string) => layout.nodes.get(id)!.x;
    expect(x('readings')).toBeLessThan(x('valid'));
    expect(x('valid')).toBeLessThan(x('per_second'));
    expect(x('per_second')).toBeLessThan(x('out'));
    expect(layout.nodes.get('out')).toMatchObject({ width: 216, height: 96 });
    expect(layout.edges).toHaveLength(4);
  });

  it('shows a watermark as a UTC time, the end of a source as end', () => {
    expect(formatWatermark(null)).toBe('—');
    expect(formatWatermark(Number.MAX_SAFE_INTEGER)).toBe('end');
    expect(formatWatermark(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('03:04:05 UTC');
  });
});

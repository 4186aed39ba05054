import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { FlowGraph, GraphControlEdge, GraphDataEdge } from '../api.js';

export const NODE_W = 184;
export const NODE_H = 64;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidEdge {
  id: string;
  kind: 'data' | 'normal' | 'iterate' | 'start';
  from: string;
  to: string;
  points: Array<{ x: number; y: number }>;
  label?: { text: string } & Box;
  data?: GraphDataEdge;
  control?: GraphControlEdge;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  subflows: Array<{ id: string } & Box>;
  edges: LaidEdge[];
}

/** The text on a control connection: `1`, `Last | cond`, `ITERATE`, `START 2`. */
export function controlLabel(e: GraphControlEdge): string {
  const head = e.kind === 'normal' ? e.order : `${e.kind.toUpperCase()}${e.order ? ` ${e.order}` : ''}`;
  return e.condition ? `${head} | ${e.condition}` : head;
}

/** Rough text width for label boxes (the SVG draws 11 px sans-serif). */
function textWidth(text: string): number {
  return Math.ceil(text.length * 6.4) + 12;
}

/** A node's size in the drawing; a stream operator's box is taller (it shows more figures). */
export interface NodeSize {
  width: number;
  height: number;
}

const MODULE_SIZE: NodeSize = { width: NODE_W, height: NODE_H };

/** The ELK graph of a flow: sub flows as compound nodes holding their modules; all edges at the root. */
export function toElk(graph: FlowGraph, size: NodeSize = MODULE_SIZE): ElkNode {
  const grouped = new Set(graph.subflows.flatMap((s) => s.modules));
  const moduleNode = (id: string): ElkNode => ({ id, ...size });
  const dataEdges: ElkExtendedEdge[] = graph.dataEdges.map((e, i) => ({ id: `d${i}`, sources: [e.from], targets: [e.to] }));
  const controlEdges: ElkExtendedEdge[] = graph.controlEdges.map((e, i) => {
    const text = controlLabel(e);
    return { id: `c${i}`, sources: [e.from], targets: [e.to], labels: text ? [{ id: `c${i}l`, text, width: textWidth(text), height: 16 }] : [] };
  });
  const children: ElkNode[] = [
    ...graph.subflows.map((s) => ({
      id: `sf:${s.id}`,
      layoutOptions: { 'elk.padding': '[top=28,left=14,bottom=14,right=14]' },
      children: s.modules.filter((m) => graph.nodes.some((n) => n.id === m)).map(moduleNode),
    })),
    ...graph.nodes.filter((n) => !grouped.has(n.id)).map((n) => moduleNode(n.id)),
  ];
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children,
    edges: [...dataEdges, ...controlEdges],
  };
}

const elk = new ELK();

/** Lays the flow out with ELK's layered algorithm (left to right, sub flows as boxes). */
export async function layoutFlow(graph: FlowGraph, size?: NodeSize): Promise<Layout> {
  const laid = await elk.layout(toElk(graph, size));
  const nodes = new Map<string, Box>();
  const subflows: Layout['subflows'] = [];
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const box = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      if (c.id.startsWith('sf:')) subflows.push({ id: c.id.slice(3), ...box });
      else nodes.set(c.id, box);
      visit(c);
    }
  };
  visit(laid);
  const edges: LaidEdge[] = [];
  const collect = (n: ElkNode) => {
    for (const e of n.edges ?? []) {
      const i = Number(e.id.slice(1));
      const data = e.id.startsWith('d') ? graph.dataEdges[i] : undefined;
      const control = e.id.startsWith('c') ? graph.controlEdges[i] : undefined;
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const l = e.labels?.[0];
      edges.push({
        id: e.id,
        kind: data ? 'data' : control!.kind,
        from: e.sources[0],
        to: e.targets[0],
        points,
        ...(l ? { label: { text: l.text ?? '', x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } } : {}),
        ...(data ? { data } : {}),
        ...(control ? { control } : {}),
      });
    }
    for (const c of n.children ?? []) collect(c);
  };
  collect(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, subflows, edges };
}

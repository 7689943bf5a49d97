import dagre from '@dagrejs/dagre';
import { useEffect, useState } from 'preact/hooks';
import { api, type MachineGraph } from './api.js';

interface Layout {
  width: number;
  height: number;
  nodes: { id: string; x: number; y: number; final: boolean }[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

const nodeSize = { width: 110, height: 34 };

/** Lays the machine out with dagre (the layout Mermaid's state diagrams use). */
function layout(graph: MachineGraph): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 40, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const state of graph.states) g.setNode(state.id, { ...nodeSize });
  // One line per pair of states is enough to read the flow; the labels are in the docs.
  const pairs = new Set(graph.edges.map((e) => `${e.from}→${e.to}`));
  for (const pair of pairs) {
    const [from, to] = pair.split('→') as [string, string];
    if (from !== to) g.setEdge(from, to, {}, pair);
  }
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  return {
    width,
    height,
    nodes: graph.states.map((s) => ({
      id: s.id,
      x: g.node(s.id).x,
      y: g.node(s.id).y,
      final: s.final,
    })),
    edges: g.edges().map((e: { v: string; w: string; name?: string }) => ({
      from: e.v,
      to: e.w,
      points: g.edge(e).points ?? [],
    })),
  };
}

let cached: Promise<Layout> | null = null;

/** The task machine's diagram, the state the task is in lit. */
export function MachineDiagram({ current }: { current: string; visited?: boolean }) {
  const [shape, setShape] = useState<Layout | null>(null);
  useEffect(() => {
    cached ??= api.machine().then(layout);
    void cached.then(setShape);
  }, []);
  if (!shape) return <p class="note">Loading the diagram…</p>;
  return (
    <svg
      class="machine"
      viewBox={`0 0 ${shape.width} ${shape.height}`}
      width={shape.width}
      role="img"
      aria-label={`task machine, now in ${current}`}
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      {shape.edges.map((edge) => (
        <polyline
          class="edge"
          points={edge.points.map((p) => `${p.x},${p.y}`).join(' ')}
          marker-end="url(#arrow)"
        />
      ))}
      {shape.nodes.map((node) => (
        <g
          class={`node${node.id === current ? ' current' : ''}${node.final ? ' final' : ''}`}
          data-state-node={node.id}
          data-current={node.id === current ? 'true' : undefined}
        >
          <rect
            x={node.x - nodeSize.width / 2}
            y={node.y - nodeSize.height / 2}
            width={nodeSize.width}
            height={nodeSize.height}
            rx={node.final ? 17 : 6}
          />
          <text x={node.x} y={node.y + 4} text-anchor="middle">
            {node.id}
          </text>
        </g>
      ))}
    </svg>
  );
}

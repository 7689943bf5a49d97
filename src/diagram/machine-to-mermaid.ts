import type { AnyStateMachine, AnyStateNode } from 'xstate';

/** A guard as people read it: its name, or the names it combines (`and(…)`, `not(…)`). */
function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') {
    return guard.type;
  }
  const combined = (guard as { guards?: unknown[] } | undefined)?.guards;
  if (Array.isArray(combined)) return combined.map(guardLabel).join(' and ');
  return 'guard';
}

interface Edge {
  from: string;
  to: string;
  label: string;
}

function edgesOf(
  node: AnyStateNode,
  from: string,
  event: string,
  definitions: readonly unknown[],
): Edge[] {
  return definitions.flatMap((definition) => {
    const { target, guard } = definition as { target?: readonly AnyStateNode[]; guard?: unknown };
    const label = guard === undefined ? event : `${event} [${guardLabel(guard)}]`;
    return (target ?? [node]).map((to) => ({ from, to: to.key, label }));
  });
}

/** A machine's top-level states and transitions, as a diagram draws them. */
export interface MachineGraph {
  initial: string | null;
  states: { id: string; final: boolean }[];
  edges: Edge[];
}

/**
 * A machine's states and transitions, drawn from the machine itself: every event transition
 * with its guard, the eventless (`always`) transitions, and an event handled at the root (such
 * as CANCEL) drawn from each state that is not final.
 *
 * @example
 * machineGraph(taskMachine).edges[0]; // { from: 'classifying', to: 'overriding', label: 'CLASSIFIED [isReplyToPending]' }
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const root = machine.root;
  const states = Object.values(root.states) as AnyStateNode[];
  const edges: Edge[] = [];
  for (const state of states) {
    for (const [event, definitions] of state.transitions)
      edges.push(...edgesOf(state, state.key, event, definitions));
    edges.push(...edgesOf(state, state.key, 'always', state.always ?? []));
  }
  for (const [event, definitions] of root.transitions) {
    for (const state of states.filter((s) => s.type !== 'final')) {
      edges.push(...edgesOf(state, state.key, event, definitions).filter((e) => e.to !== root.key));
    }
  }
  return {
    initial: root.initial?.target?.[0]?.key ?? null,
    states: states.map((state) => ({ id: state.key, final: state.type === 'final' })),
    edges,
  };
}

/**
 * A machine's states and transitions as a Mermaid state diagram (see `machineGraph`).
 *
 * @example
 * machineToMermaid(taskMachine); // 'stateDiagram-v2\n  [*] --> classifying\n  …'
 */
export function machineToMermaid(machine: AnyStateMachine): string {
  const { initial, states, edges } = machineGraph(machine);
  const lines = ['stateDiagram-v2'];
  if (initial) lines.push(`  [*] --> ${initial}`);
  for (const edge of edges) lines.push(`  ${edge.from} --> ${edge.to}: ${edge.label}`);
  for (const state of states.filter((s) => s.final)) lines.push(`  ${state.id} --> [*]`);
  return `${lines.join('\n')}\n`;
}

import { describe, expect, it } from 'vitest';
import { taskMachine } from '../../machines/task.machine.js';
import { allTransitions, drivePath } from '../helpers/drive-path.js';
import { generatedPaths, type TaskPath } from '../helpers/task-paths.js';

const { shortest, simple } = generatedPaths();
const paths: [string, TaskPath][] = [
  ...shortest.map((path, i): [string, TaskPath] => [`shortest #${i}`, path]),
  ...simple.map((path, i): [string, TaskPath] => [`simple #${i}`, path]),
];
const covered = { states: new Set<string>(), transitions: new Set<string>() };

function describePath(path: TaskPath): string {
  return path.steps
    .slice(1)
    .map((step) => step.event.type)
    .join(' > ');
}

describe('generated paths of the task machine, driven through the real runtime', () => {
  it('generates shortest and simple paths', () => {
    expect(shortest.length).toBeGreaterThan(20);
    expect(simple.length).toBeGreaterThan(20);
  });

  it.each(paths)('%s', async (_name, path) => {
    const run = await drivePath(path);
    const expected = path.steps.map((step) => String(step.state.value));
    expect(run.states, describePath(path)).toEqual(expected);
    const last = path.state;
    if (last.status === 'done') {
      expect(run.outcome?.status).toBe(last.value);
      expect(run.outcome?.attempts).toBe(last.context.attempts.length);
    }
    for (const state of run.states) covered.states.add(state);
    for (const transition of run.transitions) covered.transitions.add(transition);
    await run.store.close();
  });

  it('covers every state and every transition of the machine', () => {
    const states = Object.keys(taskMachine.root.states);
    // overriding and escalated are passed through within one step: their transitions show it.
    const resting = states.filter((state) => !['overriding', 'escalated'].includes(state));
    expect([...covered.states].sort()).toEqual(resting.sort());
    expect([...covered.transitions].sort()).toEqual(allTransitions().sort());
  });
});

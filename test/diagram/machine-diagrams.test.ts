import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskMachine } from '../../machines/task.machine.js';
import { taskDiagramMarkers, withDiagram } from '../../src/diagram/machine-diagrams.js';
import { machineToMermaid } from '../../src/diagram/machine-to-mermaid.js';
import { createSandbox } from '../helpers/sandbox.js';

const architecture = join(import.meta.dirname, '..', '..', 'docs', 'architecture.md');

describe('machine diagrams', () => {
  it('docs/architecture.md holds the diagram the code generates (run `npm run docs:diagram` when this fails)', () => {
    const document = readFileSync(architecture, 'utf8');
    expect(document).toContain(taskDiagramMarkers.start);
    expect(withDiagram(document, machineToMermaid(taskMachine))).toBe(document);
  });

  it('draws every state, every event transition with its guard, and the always edges', () => {
    const diagram = machineToMermaid(taskMachine);
    for (const state of Object.keys(taskMachine.root.states))
      expect(diagram).toContain(`  ${state} -->`);
    expect(diagram).toContain('  [*] --> classifying\n');
    expect(diagram).toContain('  overriding --> executing: always [routeIsRunnable]\n');
    expect(diagram).toContain('  escalated --> executing: always [escalationIsAllowed]\n');
    expect(diagram).toContain(
      '  reviewing --> done: REVIEWED [isReplyToPending and isApproval and hasReviewedOutput]\n',
    );
    expect(diagram).toContain('  executing --> cancelled: CANCEL\n');
    expect(diagram).not.toContain('done --> cancelled');
    expect(diagram).toContain('  done --> [*]\n');
  });

  it('refuses a document without the markers', () => {
    expect(() => withDiagram('# no diagram here', 'x')).toThrow(
      'the document has no task-machine diagram markers',
    );
  });
});

describe('cto graph', () => {
  it('prints the three machines as Mermaid, or one as the JSON Stately reads', async () => {
    const sandbox = createSandbox();
    const all = await sandbox.cli('graph');
    expect(all.code).toBe(0);
    expect(all.stdout.match(/^stateDiagram-v2$/gm)).toHaveLength(3);
    expect(all.stdout).toContain('%% worker machine\n');
    expect(all.stdout).toContain(
      '  available --> coolingDown: FAILED [isActive and reachesCooldown]',
    );
    const json = JSON.parse(
      (await sandbox.cli('graph', '--machine', 'task', '--format', 'json')).stdout,
    );
    expect(json).toMatchObject({ id: 'task', initial: expect.anything() });
    expect(Object.keys(json.states)).toEqual([
      'classifying',
      'overriding',
      'executing',
      'reviewing',
      'escalated',
      'done',
      'blocked',
      'cancelled',
    ]);
    expect((await sandbox.cli('graph', '--format', 'svg')).code).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { testOrchestrator } from '../helpers/test-orchestrator.js';

describe('inspection', () => {
  it('gives the inspect observer every actor: the task, the CTO and the worker', async () => {
    const created: string[] = [];
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.actor') {
        const logic = (event.actorRef as { logic?: { id?: string } }).logic;
        created.push(logic?.id ?? '?');
      }
    };
    const { orchestrator } = testOrchestrator({
      inspect,
      configFile: { model_selection_strategy: 'quality' },
    });
    await (await orchestrator.spawn('inspect me')).result;
    expect(created).toEqual(expect.arrayContaining(['task', 'cto', 'worker']));
    await orchestrator.stop();
  });
});

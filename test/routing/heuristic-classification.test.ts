import { describe, expect, it } from 'vitest';
import { heuristicClassification } from '../../src/routing/heuristic-classification.js';

describe('the heuristic classification used when the CTO fails', () => {
  it.each([
    ['Reply to the email from the landlord', 'email', 'sonnet'],
    ['Deploy the API to staging', 'deployment', 'sonnet'],
    ['Research open-source vector databases', 'research', 'kimi'],
    ['Explain how the scheduler picks a worker', 'analysis', 'glm'],
    ['ls the logs directory', 'bash_command', 'haiku'],
    ['Fix the off-by-one in paginate()', 'coding', 'haiku'],
  ])('%s → %s', (description, type, model) => {
    expect(heuristicClassification({ description }, 'test')).toMatchObject({
      type,
      model,
      source: 'heuristic',
    });
  });

  it('calls architecture and security work complex', () => {
    expect(
      heuristicClassification({ description: 'Design the security architecture' }, 'x'),
    ).toMatchObject({
      complexity: 'complex',
      model: 'opus',
    });
  });

  it('keeps a type the user gave, and says why it was used', () => {
    expect(
      heuristicClassification({ description: 'anything', type: 'research' }, 'the CTO timed out'),
    ).toMatchObject({
      type: 'research',
      reason: 'heuristic (the CTO timed out)',
    });
  });
});

// Spawns three tasks programmatically and prints how each ended.
// Run it with: npx tsx examples/spawn.ts
// The model ports here answer instantly from a script, so no key or network is needed;
// pass the real transports instead to run against real models.
import { createOrchestrator, type ModelPorts } from '../src/index.js';

const usage = { inputTokens: 1_200, outputTokens: 400 };

const ports: ModelPorts = {
  // The CTO: research to a research model, everything else is simple coding for sonnet.
  async classify({ task }) {
    const research = /research|compare/i.test(task.description);
    return {
      classification: {
        complexity: 'simple',
        type: research ? 'research' : 'coding',
        model: 'sonnet',
        reason: research ? 'a question to look into' : 'a small code change',
      },
      usage,
    };
  },
  async execute({ model, task, previous }) {
    const note = previous ? ` (building on ${previous.model}'s attempt: ${previous.feedback})` : '';
    return { output: `${model.id} did: ${task.description}${note}`, usage };
  },
  // The reviewer rejects the first attempt at anything about tests, to show an escalation.
  async review({ task, attempt }) {
    const reject = /test/i.test(task.description) && attempt === 1;
    return reject
      ? {
          verdict: 'reject',
          quality: 4,
          feedback: 'the new test does not fail without the fix',
          usage,
        }
      : { verdict: 'approve', quality: 8, feedback: 'looks right', usage };
  },
};

const orchestrator = createOrchestrator({ ports, store: ':memory:' });
const tasks = await Promise.all([
  orchestrator.spawn('Add a --json flag to the status command'),
  orchestrator.spawn('Compare SQLite and PostgreSQL for a task queue'),
  orchestrator.spawn('Write a regression test for the date parser'),
]);
for (const task of tasks) {
  const outcome = await task.result;
  console.log(
    `${outcome.status.padEnd(9)} ${outcome.model?.padEnd(9)} attempts ${outcome.attempts}  $${outcome.usage.costUsd.toFixed(4)}  ${outcome.output}`,
  );
  console.log(`          why: ${outcome.decisions.join(' | ')}`);
}
await orchestrator.stop();

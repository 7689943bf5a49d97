// One runtime process of the scale-out benchmark: claims tasks from the store it is given and
// works them with instant models, until the parent stops it.
import { createOrchestrator } from '../src/runtime/create-orchestrator.js';
import { benchConfig, instantPorts } from './instant-runtime.js';

const [location, maxTasks = '200'] = process.argv.slice(2);
if (!location) throw new Error('usage: scale-out-worker <store> [max tasks]');
const orchestrator = createOrchestrator({
  ports: instantPorts,
  config: benchConfig().source,
  store: location,
  ctoConcurrency: 1000,
});
let running = true;
process.on('SIGTERM', () => {
  running = false;
});
while (running) {
  const claimed = await orchestrator.resume({ maxTasks: Number(maxTasks) });
  const settled = claimed.map((handle) => handle.result.catch(() => {}));
  await Promise.race([...settled, new Promise((resolve) => setTimeout(resolve, 5))]);
}
// What this process sent its store, for the parent to add up per task (before stop closes it).
const counts = await orchestrator.store.counts();
await orchestrator.stop();
process.stdout.write(`${JSON.stringify(counts)}\n`);

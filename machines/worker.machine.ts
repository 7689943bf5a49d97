import { createCallQueueMachine } from './call-queue.js';

/**
 * One worker actor per model (systemId `worker:<model>`): its mailbox of execute requests,
 * concurrency limit, retries on transient errors and cooldown. See `createCallQueueMachine`.
 */
export const workerMachine = createCallQueueMachine('worker');

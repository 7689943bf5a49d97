import { createCallQueueMachine } from './call-queue.js';

/**
 * The CTO actor (systemId `cto`): the mailbox of classify and review requests for the CTO
 * model, with the same concurrency, retry and cooldown rules as a worker.
 */
export const ctoMachine = createCallQueueMachine('cto');

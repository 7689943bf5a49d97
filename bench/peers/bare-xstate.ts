// Peer: the four-phase task as a bare XState v5 machine, each snapshot written to SQLite (WAL,
// synchronous NORMAL, as the runtime's store) in its own transaction as the actor reaches it.
// The floor of "an XState machine made durable": no budgets, leases, history or event log.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assign, createActor, fromPromise, setup } from 'xstate';
import { instantModel, measure, scratchDirectory } from './lanes.js';

type Classification = Awaited<ReturnType<typeof instantModel.classify>>['classification'];
type Review = Awaited<ReturnType<typeof instantModel.review>>;

const taskMachine = setup({
  types: {
    context: {} as {
      description: string;
      classification: Classification | null;
      output: string | null;
      review: Review | null;
    },
    input: {} as { description: string },
  },
  actors: {
    classify: fromPromise(({ input }: { input: string }) => instantModel.classify(input)),
    execute: fromPromise(({ input }: { input: string }) => instantModel.execute(input)),
    review: fromPromise(({ input }: { input: string }) => instantModel.review(input)),
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({
    description: input.description,
    classification: null,
    output: null,
    review: null,
  }),
  initial: 'classifying',
  states: {
    classifying: {
      invoke: {
        src: 'classify',
        input: ({ context }) => context.description,
        onDone: {
          target: 'executing',
          actions: assign({ classification: ({ event }) => event.output.classification }),
        },
      },
    },
    executing: {
      invoke: {
        src: 'execute',
        input: ({ context }) => context.description,
        onDone: {
          target: 'reviewing',
          actions: assign({ output: ({ event }) => event.output.output }),
        },
      },
    },
    reviewing: {
      invoke: {
        src: 'review',
        input: ({ context }) => context.output ?? '',
        onDone: [
          {
            guard: ({ event }) => event.output.verdict === 'approve',
            target: 'done',
            actions: assign({ review: ({ event }) => event.output }),
          },
          { target: 'executing', actions: assign({ review: ({ event }) => event.output }) },
        ],
      },
    },
    done: { type: 'final' },
  },
});

const db = new Database(join(scratchDirectory('bare-xstate'), 'state.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE snapshots (task_id TEXT PRIMARY KEY, snapshot TEXT NOT NULL)');
const save = db.prepare(
  'INSERT INTO snapshots (task_id, snapshot) VALUES (?, ?) ' +
    'ON CONFLICT (task_id) DO UPDATE SET snapshot = excluded.snapshot',
);

function runTask(index: number): Promise<void> {
  const taskId = `task-${index}`;
  return new Promise((resolve, reject) => {
    const actor = createActor(taskMachine, { input: { description: `bench task ${index}` } });
    actor.subscribe({
      next: () => {
        save.run(taskId, JSON.stringify(actor.getPersistedSnapshot()));
        const snapshot = actor.getSnapshot();
        if (snapshot.status === 'done') resolve();
      },
      error: reject,
    });
    actor.start();
  });
}

await measure('bare-xstate', runTask);
db.close();

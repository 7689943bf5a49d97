import { type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import { taskMachine, taskMachineVersion } from '../../machines/task.machine.js';
import { taskContextSchema } from '../../machines/task-context.js';
import { taskEventSchema } from '../../machines/task-events.js';
import type { StoredEvent, StoredTask } from '../store/store.js';

/** The task machines this version can replay, by the version stored with a task. */
const machinesByVersion: Readonly<Record<number, typeof taskMachine>> = {
  [taskMachineVersion]: taskMachine,
};

export interface ReplayOptions {
  /** An XState inspection observer (the Stately inspector). */
  inspect?: ActorOptions<AnyActorLogic>['inspect'];
  /** Called with each persisted snapshot, the first one and one per stored event. */
  onSnapshot?: (snapshot: Record<string, unknown>, event: StoredEvent) => void;
  /** Waits before each event (pace it like the original, or wait for a key). */
  beforeEvent?: (event: StoredEvent, previous: StoredEvent) => Promise<void>;
}

/**
 * A snapshot with its context read whole, so that the stored forms of one context compare
 * equal (the route's reason once, or three times as stored before).
 */
function readWhole(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot;
  const { context, ...rest } = snapshot as Record<string, unknown>;
  const read = taskContextSchema.safeParse(context);
  return { ...rest, context: read.success ? read.data : context };
}

function sameState(replayed: unknown, stored: unknown): boolean {
  return JSON.stringify(readWhole(replayed)) === JSON.stringify(readWhole(stored));
}

/**
 * Replays a stored task's event log through the machine of the version it was stored with, in
 * a fresh actor: the machine's requests go nowhere, so no model is called. A finished, blocked
 * or interrupted task (one from a crashed process too) can be watched after the fact. Returns
 * whether the replay ended where the stored task stands.
 *
 * @example
 * const { matches } = await replayTask(await store.getTask(id), await store.events(id), { inspect });
 */
export async function replayTask(
  task: StoredTask,
  events: readonly StoredEvent[],
  options: ReplayOptions = {},
): Promise<{ steps: number; matches: boolean }> {
  const machine = machinesByVersion[task.machineVersion];
  if (!machine) {
    throw new Error(
      `task ${task.id} was stored by task machine version ${task.machineVersion}; this version replays version ${Object.keys(machinesByVersion).join(', ')}`,
    );
  }
  const stored = task.snapshot as { context?: { maxAttempts?: unknown } };
  const maxAttempts =
    typeof stored.context?.maxAttempts === 'number' ? stored.context.maxAttempts : 3;
  const [creation, ...rest] = events;
  if (!creation || creation.event !== null)
    throw new Error(`task ${task.id}: its event log does not start with its creation`);
  const actor = createActor(machine, {
    input: { taskId: task.id, input: task.input as never, maxAttempts },
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  actor.start();
  const persisted = () => actor.getPersistedSnapshot() as unknown as Record<string, unknown>;
  options.onSnapshot?.(persisted(), creation);
  let previous = creation;
  for (const stepEvent of rest) {
    const parsed = taskEventSchema.safeParse(stepEvent.event);
    if (!parsed.success) {
      actor.stop();
      throw new Error(
        `task ${task.id}: stored event ${stepEvent.seq} is not a task event: ${parsed.error.issues[0]?.message}`,
      );
    }
    await options.beforeEvent?.(stepEvent, previous);
    actor.send(parsed.data);
    options.onSnapshot?.(persisted(), stepEvent);
    previous = stepEvent;
  }
  const matches = sameState(persisted(), task.snapshot);
  actor.stop();
  return { steps: rest.length, matches };
}

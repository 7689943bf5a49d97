import type { Logger } from '../log/logger.js';
import type { Store, TaskClaim } from '../store/store.js';
import type { Clock } from './clock.js';
import { deadLocalOwner } from './lease-owner.js';
import type { TimerSet } from './timer-set.js';

/**
 * The leases this process holds on tasks (several processes may share one store): it claims
 * tasks, fences their writes with the lease's token, renews the leases in bulk while the tasks
 * run, and hears of those another process took over.
 */
export interface LeaseKeeper {
  readonly owner: string;
  /**
   * Holds a task this process is creating (the first token): the claim goes into its first
   * commit, and until `created` the heartbeat leaves it alone (it has no row to renew yet).
   */
  create(taskId: string): { owner: string; expiresAt: number };
  /** The task's first commit is durable: its lease is renewed from now on. */
  created(taskId: string): void;
  /** Holds a claimed task (restored here) under its lease's token. */
  hold(taskId: string, token: number): void;
  /** What fences a task's writes: refused once another process holds it. */
  fenceOf(taskId: string): { fence?: { taskId: string; token: number } };
  /** Claims up to `limit` unheld unfinished tasks (or just `taskId`). */
  claim(options: { limit: number; taskId?: string }): Promise<TaskClaim[]>;
  /** Releases the leases of processes of this host that died, so their tasks need not wait. */
  takeOverDeadOwners(): Promise<void>;
  /**
   * Gives a finished task's lease back, with those of the tasks that finish in the same turn of
   * the event loop (a failure only logged: the lease expires).
   */
  release(taskId: string): void;
  /** Forgets a task another process holds now: nothing is given back. */
  forget(taskId: string): void;
  /** Gives back every lease (the process stops): another process carries the tasks on at once. */
  releaseAll(): Promise<void>;
}

/**
 * Creates the lease keeper. `onLost` hears of each task the heartbeat found taken over.
 *
 * @example
 * const leases = createLeaseKeeper({ store, clock, timers, owner, leaseMs: 30_000, isStopping, onLost: drop });
 * for (const claim of await leases.claim({ limit: 10 })) leases.hold(claim.lease.taskId, claim.lease.token);
 * await batcher.stage({ task, ...leases.fenceOf(task.taskId) });
 */
export function createLeaseKeeper(deps: {
  store: Store;
  clock: Clock;
  timers: TimerSet;
  owner: string;
  leaseMs: number;
  logger?: Logger;
  isStopping: () => boolean;
  onLost: (taskId: string) => void;
}): LeaseKeeper {
  const { store, clock, timers, owner, leaseMs, logger, isStopping } = deps;
  // The fencing token of every task this process holds a lease on.
  const leases = new Map<string, number>();
  // Tasks this process is creating, whose first commit is not durable yet.
  const creating = new Set<string>();
  // Finished tasks whose leases are still to be given back.
  const releasing: string[] = [];
  let heartbeat: unknown = null;

  /** Renews the leases of the tasks under way, and tells of those another process took over. */
  function beat(): void {
    heartbeat = null;
    if (isStopping() || leases.size === 0) return;
    // A task whose creation is not stored yet has no row to renew (nor needs it: its lease
    // starts when that commit lands); asked about, it would look taken over.
    const held = [...leases.keys()].filter((id) => !creating.has(id));
    store
      .renewLeases({ owner, taskIds: held, now: clock.now(), leaseMs })
      .then((renewed) => {
        const kept = new Set(renewed.map((lease) => lease.taskId));
        for (const id of held) {
          if (kept.has(id) || !leases.has(id)) continue;
          leases.delete(id);
          deps.onLost(id);
        }
        keepBeating();
      })
      .catch((error) => {
        logger?.error({ err: String(error) }, 'could not renew leases; trying again');
        keepBeating();
      });
  }

  function keepBeating(): void {
    if (heartbeat === null && !isStopping() && leases.size > 0)
      heartbeat = timers.later(Math.max(1, Math.floor(leaseMs / 3)), beat);
  }

  /** Gives back the leases of the tasks that finished since the last call. */
  function releaseFinished(): void {
    const taskIds = releasing.splice(0);
    if (taskIds.length === 0) return;
    store.releaseLeases(owner, taskIds).catch((error) => {
      logger?.warn({ taskIds, err: String(error) }, 'could not release leases; they expire');
    });
  }

  function hold(taskId: string, token: number): void {
    leases.set(taskId, token);
    keepBeating();
  }

  return {
    owner,
    create(taskId) {
      hold(taskId, 1);
      creating.add(taskId);
      return { owner, expiresAt: clock.now() + leaseMs };
    },
    created: (taskId) => creating.delete(taskId),
    hold,
    fenceOf(taskId) {
      const token = leases.get(taskId);
      return token === undefined ? {} : { fence: { taskId, token } };
    },
    claim: ({ limit, taskId }) =>
      store.claimTasks({
        owner,
        limit,
        now: clock.now(),
        leaseMs,
        ...(taskId === undefined ? {} : { taskId }),
      }),
    async takeOverDeadOwners() {
      for (const holder of await store.leaseOwners(clock.now())) {
        if (holder !== owner && deadLocalOwner(holder)) {
          logger?.info({ owner: holder }, 'taking over the tasks of a dead process of this host');
          await store.releaseLeases(holder);
        }
      }
    },
    release(taskId) {
      if (!leases.delete(taskId)) return;
      // The tasks that finish in one turn of the event loop give their leases back in one write.
      if (releasing.length === 0) setImmediate(releaseFinished);
      releasing.push(taskId);
    },
    forget: (taskId) => void leases.delete(taskId),
    async releaseAll() {
      const held = [...leases.keys(), ...releasing.splice(0)];
      leases.clear();
      if (held.length > 0) await store.releaseLeases(owner, held).catch(() => {});
    },
  };
}

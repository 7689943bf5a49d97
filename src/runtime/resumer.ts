import { type ActorOptions, type AnyActorLogic, createActor } from 'xstate';
import { taskMachine, taskMachineVersion } from '../../machines/task.machine.js';
import { taskContextSchema } from '../../machines/task-context.js';
import type { Logger } from '../log/logger.js';
import type { JournalEntry, Store, TaskClaim } from '../store/store.js';
import type { TaskTracing } from '../telemetry/task-tracing.js';
import type { CallRunner, ResumedJournal } from './call-runner.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { LiveTask, TaskHandle, TaskRegistry } from './task-registry.js';

/**
 * Takes stored tasks on: claims those no process holds, restores each from its latest
 * snapshot and re-sends the request it waited for. Remembers the tasks it could not restore,
 * and why.
 */
export interface Resumer {
  /**
   * A claimed task as a live actor, its request not sent yet; null when it cannot be restored
   * here (it keeps its lease unrenewed: it lapses, and a process that can, a newer version,
   * claims it then).
   */
  restore(claim: TaskClaim): LiveTask | null;
  /** Claims and restores tasks until `maxTasks` run here, and re-sends what each waited for. */
  resume(maxTasks: number): Promise<TaskHandle[]>;
  /** Tasks that could not be restored here, and why. */
  notResumed(): { id: string; reason: string }[];
  /** Why this task could not be restored, if it could not. */
  whyNotResumed(id: string): string | undefined;
}

export interface ResumerDeps {
  tasks: Pick<TaskRegistry, 'register' | 'forget' | 'size'>;
  leases: Pick<LeaseKeeper, 'hold' | 'claim' | 'takeOverDeadOwners'>;
  calls: Pick<CallRunner, 'dispatch'>;
  store: Pick<Store, 'journals'>;
  inspect?: ActorOptions<AnyActorLogic>['inspect'] | undefined;
  tracing: TaskTracing | null;
  logger?: Logger | undefined;
  isStopping(): boolean;
}

/**
 * Creates the resumer.
 *
 * @example
 * const resumer = createResumer({ tasks, leases, calls, tracing: null, isStopping });
 * const handles = await resumer.resume(10); // up to 10 tasks under way here
 * resumer.notResumed(); // [{ id: 'a1', reason: 'stored with task machine version 3; this is version 4' }]
 */
export function createResumer(deps: ResumerDeps): Resumer {
  const { tasks, leases, tracing, logger } = deps;
  const notResumed = new Map<string, string>();

  function restore({ task: stored, lease, unreadable }: TaskClaim): LiveTask | null {
    if (stored === null) {
      notResumed.set(lease.taskId, unreadable);
      return null;
    }
    if (stored.machineVersion !== taskMachineVersion) {
      notResumed.set(
        stored.id,
        `stored with task machine version ${stored.machineVersion}; this is version ${taskMachineVersion}`,
      );
      return null;
    }
    const context = taskContextSchema.safeParse((stored.snapshot as { context?: unknown }).context);
    if (!context.success) {
      notResumed.set(
        stored.id,
        `its stored snapshot is invalid: ${context.error.issues[0]?.message}`,
      );
      return null;
    }
    const actor = createActor(taskMachine, {
      snapshot: stored.snapshot as never,
      input: { taskId: stored.id, input: stored.input, maxAttempts: context.data.maxAttempts },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    const live = tasks.register(stored.id, actor);
    actor.start();
    if (actor.getSnapshot().status !== 'active') {
      tasks.forget(stored.id);
      notResumed.set(stored.id, `its snapshot restores as ${actor.getSnapshot().status}`);
      return null;
    }
    notResumed.delete(stored.id);
    leases.hold(stored.id, lease.token);
    tracing?.taskStarted(stored.id, { 'cto.resumed': 'true' });
    tracing?.phase(stored.id, stored.status);
    return live;
  }

  async function resume(maxTasks: number): Promise<TaskHandle[]> {
    if (deps.isStopping()) throw new Error('the orchestrator is stopped');
    const handles: TaskHandle[] = [];
    const limit = maxTasks - tasks.size();
    if (limit <= 0) return handles;
    // A process of this host that died (killed, crashed) left leases nobody need wait out.
    await leases.takeOverDeadOwners();
    const claimed = await leases.claim({ limit });
    const restored: { id: string; live: LiveTask }[] = [];
    for (const claim of claimed) {
      const id = claim.lease.taskId;
      const live = restore(claim);
      if (live) restored.push({ id, live });
      else logger?.warn({ taskId: id, reason: notResumed.get(id) }, 'task not resumed');
    }
    const journals = await journalsOf(restored);
    for (const { id, live } of restored) {
      // Read now: a cancel may have come while the journals were read.
      const pending = live.actor.getSnapshot().context.pending;
      if (pending && !deps.isStopping()) {
        const journal = journals?.get(pending.requestId) ?? (journals ? [] : 'unread');
        deps.calls.dispatch(id, { type: 'request', request: pending }, journal);
      }
      handles.push(live.handle);
    }
    // `cto serve` calls this at every poll: only a poll that took work on is worth a line.
    if (handles.length > 0 || claimed.length > 0) {
      logger?.info(
        { resumed: handles.length, notResumed: notResumed.size },
        'resumed unfinished tasks',
      );
    }
    return handles;
  }

  /**
   * What the requests the restored tasks wait for journaled when they ran before, in one read
   * (a round trip for all of them on PostgreSQL); null if it failed: each call reads its own.
   */
  async function journalsOf(
    restored: readonly { id: string; live: LiveTask }[],
  ): Promise<Map<string, ResumedJournal> | null> {
    const requests = restored.flatMap(({ id, live }) => {
      const pending = live.actor.getSnapshot().context.pending;
      return pending ? [{ taskId: id, requestId: pending.requestId }] : [];
    });
    const byRequest = new Map<string, JournalEntry[]>();
    try {
      for (const entry of await deps.store.journals(requests)) {
        const entries = byRequest.get(entry.requestId);
        if (entries) entries.push(entry);
        else byRequest.set(entry.requestId, [entry]);
      }
    } catch (error) {
      logger?.warn(
        { error: String(error) },
        'journals not read with the claim; each call reads its own',
      );
      return null;
    }
    return byRequest;
  }

  return {
    restore,
    resume,
    notResumed: () => [...notResumed].map(([id, reason]) => ({ id, reason })),
    whyNotResumed: (id) => notResumed.get(id),
  };
}

import type { Clock } from '../../runtime/clock.js';
import type { Orchestrator } from '../../runtime/create-orchestrator.js';
import { finalStatuses, type SourceTask, type Store } from '../../store/store.js';
import type { PlaneProjectView } from './plane-catalog.js';
import { PlaneApiError, type PlaneClient } from './plane-client.js';
import { endComment, startComment } from './plane-comments.js';

/** Where a task's item is: the parts of its source key `plane:<workspace>/<project id>/<item id>`. */
export interface ItemRef {
  workspace: string;
  projectId: string;
  itemId: string;
}

/**
 * The source key of an item: unique in the store, so one item makes one task.
 *
 * @example
 * sourceKey({ workspace: 'acme', projectId: 'p1', itemId: 'i1' }); // 'plane:acme/p1/i1'
 */
export function sourceKey(ref: ItemRef): string {
  return `plane:${ref.workspace}/${ref.projectId}/${ref.itemId}`;
}

/** The item a source key names, or null for a key that is not a Plane item's. */
export function itemRef(key: string): ItemRef | null {
  const match = /^plane:([^/]+)\/([^/]+)\/([^/]+)$/.exec(key);
  return match
    ? { workspace: match[1] ?? '', projectId: match[2] ?? '', itemId: match[3] ?? '' }
    : null;
}

export type ReportStep = 'start' | 'end';

/** The step of its report a task is due, from its status and what is written already. */
export function dueStep(task: SourceTask): ReportStep | null {
  if (finalStatuses.has(task.status)) return task.reported.includes('end') ? null : 'end';
  const started = ['executing', 'reviewing', 'escalated'].includes(task.status);
  return started && !task.reported.includes('start') && !task.reported.includes('end')
    ? 'start'
    : null;
}

export interface WriteBackParts {
  client: PlaneClient;
  store: Store;
  orchestrator: Orchestrator;
  clock: Clock;
  owner: string;
  /** How long a claim on a step lasts: a writer that died is taken over after it. */
  leaseMs: number;
}

/**
 * Writes one step of a task's report on its item, at most once whoever tries and however often
 * they crash: the step is claimed in the store (one writer at a time), its comment carries the
 * external id `cto:<task>:<step>`, and a step begun before (its writer died mid-way) looks on
 * the item for that comment before posting. Then the item is moved to the step's state (moving
 * twice is harmless), and the step is recorded as written. `start` comments the model chosen and
 * why and moves the item to `move_to.started`; `end` comments the outcome and moves it to
 * `move_to.done` or `move_to.blocked` (a stopped task's item stays where people put it). An
 * item that is gone has nothing to write on: the step counts as written.
 *
 * @example
 * await writeBack(parts, task, 'start', project); // 'written'
 */
export async function writeBack(
  parts: WriteBackParts,
  task: SourceTask,
  step: ReportStep,
  project: PlaneProjectView | undefined,
): Promise<'written' | 'skipped'> {
  const ref = itemRef(task.sourceKey);
  if (!ref || !project) return 'skipped';
  const { store, client, clock, owner } = parts;
  const claim = await store.beginReport({
    taskId: task.id,
    step,
    owner,
    now: clock.now(),
    leaseMs: parts.leaseMs,
  });
  if (!claim) return 'skipped';
  try {
    const view = await parts.orchestrator.get(task.id);
    if (!view) throw new Error(`no task ${task.id} in the store`);
    const { context } = view;
    const last = context.attempts.at(-1);
    const output = step === 'end' && last?.outputRef ? await store.getBlob(last.outputRef) : null;
    const html =
      step === 'start' ? startComment(task.id, context) : endComment(task.id, context, output);
    const externalId = `cto:${task.id}:${step}`;
    const posted =
      claim.tries > 1 &&
      (await client.listComments(ref.projectId, ref.itemId)).some(
        (c) => c.external_id === externalId,
      );
    if (!posted) await client.addComment(ref.projectId, ref.itemId, { html, externalId });
    const state =
      step === 'start'
        ? project.moveTo.started
        : context.outcome?.status === 'done'
          ? project.moveTo.done
          : context.outcome?.status === 'blocked'
            ? project.moveTo.blocked
            : null;
    if (state) await client.moveWorkItem(ref.projectId, ref.itemId, state);
    await store.endReport({ taskId: task.id, step, owner, now: clock.now() });
    return 'written';
  } catch (error) {
    if (error instanceof PlaneApiError && error.status === 404) {
      await store.endReport({ taskId: task.id, step, owner, now: clock.now() });
      return 'written';
    }
    await store
      .endReport({ taskId: task.id, step, owner, now: clock.now(), error: String(error) })
      .catch(() => {});
    throw error;
  }
}

import { isDeepStrictEqual } from 'node:util';
import type { PlaneSettings } from '../../config/resolve-plane-settings.js';
import type { Logger } from '../../log/logger.js';
import type { Orchestrator } from '../../runtime/create-orchestrator.js';
import { finalStatuses, type SourceTask } from '../../store/store.js';
import type { PlaneWorkItemRecord } from './plane-api-schemas.js';
import { isActive, isPickedUp, type PlaneProjectView } from './plane-catalog.js';
import { sourceKey } from './plane-write-back.js';
import { workItemInput } from './work-item-input.js';

/** What bringing an item in step works with. */
export interface ReconcileParts {
  orchestrator: Orchestrator;
  settings: PlaneSettings;
  /** The enabled models, which `model:` labels may name. */
  models: readonly string[];
  logger?: Logger;
  /** Told of each task it submits. */
  onCreated(taskId: string): void;
}

/**
 * Brings one item and its task in step: an item in a pick-up state without a task becomes
 * one (`submit` with its source key: a task another process made first is the one); an
 * unfinished task whose item is gone or out of the active states is cancelled; a task no process
 * has started takes its item's new text, type and model. Labels that name nothing are added to
 * `warnings`. `item` null: the item is gone (deleted, archived away, moved out of the project).
 *
 * @example
 * await reconcileItem(parts, project, item, item.id, openTasks.get(key) ?? null, warnings);
 */
export async function reconcileItem(
  parts: ReconcileParts,
  project: PlaneProjectView,
  item: PlaneWorkItemRecord | null,
  itemId: string,
  task: SourceTask | null,
  warnings: string[],
): Promise<void> {
  const { orchestrator, settings, logger } = parts;
  const key = sourceKey({ workspace: settings.workspace, projectId: project.id, itemId });
  const labels = (item?.labels ?? []).map((id) => project.labelNames.get(id) ?? id);
  const made = item && workItemInput(item, project, labels, settings, parts.models);
  const name = item ? `${project.identifier}-${item.sequence_id}` : itemId;
  if (made) warnings.push(...made.ignoredLabels.map((w) => `${name}: ${w}`));
  if (!task) {
    // An item runs once: a task of it that ended stays its task.
    if (!item || !made || !isPickedUp(project, item)) return;
    if (await orchestrator.store.taskBySource(key)) return;
    const id = await orchestrator.submit(made.input, { sourceKey: key });
    logger?.info(
      { taskId: id, requestId: null, model: null, phase: 'classifying' },
      `picked up ${name} from Plane (${made.input.source})`,
    );
    parts.onCreated(id);
    return;
  }
  if (finalStatuses.has(task.status)) return;
  if (!item || !isActive(project, item)) {
    const where = item
      ? `moved to "${project.stateNames.get(item.state ?? '') ?? item.state}", out of the active states`
      : 'deleted, or moved out of the project';
    await orchestrator.cancel(task.id, `the Plane item was ${where}`).catch((error: Error) => {
      // Another process holds it: its own poll sees the item and cancels it there.
      logger?.info({ taskId: task.id, err: error.message }, 'not cancelled here');
    });
    return;
  }
  if (made && task.queued && !isDeepStrictEqual(made.input, task.input)) {
    await orchestrator.replaceQueued(task.id, made.input);
  }
}

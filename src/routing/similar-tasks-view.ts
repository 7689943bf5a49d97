import type { RoutingView } from './routing-view.js';
import { similarEvidence } from './similar-evidence.js';
import { textFeatures } from './text-features.js';

/** Neighbours a decision looks at. */
const neighbourCount = 20;

/**
 * The view for one task's decisions: with what the reviewed tasks that read most like its text
 * showed (its own earlier attempts aside), when the view has reviewed tasks and some are alike.
 * Otherwise the view as it is, and routing goes by the task type alone.
 *
 * @example
 * routeTask({ taskId, input, classification, view: similarTasksView(view, taskId, input.description) });
 */
export function similarTasksView(view: RoutingView, taskId: string, text: string): RoutingView {
  const index = view.reviewedTasks;
  if (!index || index.size === 0) return view;
  const neighbours = index.nearest(textFeatures(text), { k: neighbourCount, exclude: taskId });
  const similar = similarEvidence(neighbours);
  return similar.tasks > 0 ? { ...view, similar } : view;
}

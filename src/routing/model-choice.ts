import { canRun, type ModelRef, type TaskType } from '../../machines/task-types.js';
import type { RoutingModel, RoutingView } from './routing-view.js';

/** The reference the task machine keeps for a routing model. */
export function modelRef(model: RoutingModel): ModelRef {
  return { id: model.id, kind: model.kind, tier: model.tier };
}

/** Models that can take work now: enabled and with nothing making them unavailable. */
export function availableModels(view: RoutingView): RoutingModel[] {
  return view.models.filter((model) => model.enabled && model.unavailable === null);
}

/** Price of a call in relative terms (input plus output per Mtok); unknown prices sort last. */
export function priceOf(model: RoutingModel): number {
  if (model.inputPrice === null || model.outputPrice === null) return Number.POSITIVE_INFINITY;
  return model.inputPrice + model.outputPrice;
}

/** Why a model cannot take a task of this type, or null when it can. */
export function unfitReason(
  model: RoutingModel | undefined,
  id: string,
  type: TaskType,
): string | null {
  if (!model) return `${id} is not a configured model`;
  if (!model.enabled) return `${id} is disabled`;
  if (model.unavailable) return `${id} is unavailable (${model.unavailable})`;
  if (!canRun(modelRef(model), { type })) return `${id} is text-only and ${type} needs tools`;
  return null;
}

/**
 * A number in [0, 1) fixed by a text (the task id and decision), so that the same task always
 * gets the same rotation choice: a replay or a resumed task decides as the original did.
 */
export function stableFraction(text: string): number {
  // FNV-1a, 32 bits: tiny, fast and well spread for short keys.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

import { z } from 'zod';
import type { ModelGroup } from '../../agents/model-entry.js';
import { usageSchema } from '../../machines/task-events.js';
import type { LoadedConfig } from '../config/load-config.js';
import type { StoredTask } from '../store/store.js';
import { callUsages } from './task-outcome.js';

const tokens = usageSchema.pick({ inputTokens: true, outputTokens: true }).nullish();

// Only what usage needs of a task's context: reading whole contexts of a day's tasks is slow.
const usageOfTask = z.object({
  classifyUsage: tokens,
  attempts: z.array(
    z.object({
      model: z.object({ id: z.string() }),
      usage: tokens,
      review: z.object({ usage: tokens }).nullable(),
    }),
  ),
});

/**
 * Tokens the stored tasks used, by provider group: each attempt's execution counts for its
 * model's group, the classification and the reviews for the CTO model's. A task changed today
 * counts whole (a task that ran across midnight is counted on the later day). A snapshot that
 * does not read as a task counts nothing.
 *
 * @example
 * usageByGroup(await store.tasksUpdatedSince(startOfDay), config.current()); // { claude: 1200, external: 54000 }
 */
export function usageByGroup(
  tasks: readonly StoredTask[],
  loaded: LoadedConfig,
): Record<ModelGroup, number> {
  const groupOf = (id: string): ModelGroup =>
    loaded.models.find((m) => m.id === id)?.group ?? 'external';
  const cto = groupOf(loaded.config.cto_model);
  const used: Record<ModelGroup, number> = { claude: 0, external: 0 };
  for (const task of tasks) {
    const context = usageOfTask.safeParse((task.snapshot as { context?: unknown }).context);
    if (!context.success) continue;
    for (const { usage, worker } of callUsages(context.data)) {
      used[worker === null ? cto : groupOf(worker)] += usage.inputTokens + usage.outputTokens;
    }
  }
  return used;
}

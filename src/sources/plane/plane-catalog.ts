import type { PlaneSettings } from '../../config/resolve-plane-settings.js';
import type { PlaneWorkItemRecord } from './plane-api-schemas.js';
import type { PlaneClient } from './plane-client.js';

/** One configured project as the source works with it: states and labels by id. */
export interface PlaneProjectView {
  id: string;
  identifier: string;
  stateNames: ReadonlyMap<string, string>;
  labelNames: ReadonlyMap<string, string>;
  /** The ids of the states named in `pick_up.states` (null: any state). */
  pickUpStates: ReadonlySet<string> | null;
  /** The ids of the labels named in `pick_up.labels` (null: no label needed). */
  pickUpLabels: ReadonlySet<string> | null;
  /** The ids of the states items are moved to (null where none is set or found). */
  moveTo: { started: string | null; done: string | null; blocked: string | null };
}

function byName(names: ReadonlyMap<string, string>, wanted: string): string | null {
  const lower = wanted.toLowerCase();
  for (const [id, name] of names) if (name.toLowerCase() === lower) return id;
  return null;
}

/**
 * Reads the configured projects of the workspace with their states and labels, and resolves
 * the names the configuration uses. A project that cannot be found, or lacks a state items
 * are picked up in, is left out with a problem line; a missing state to move to is a warning.
 *
 * @example
 * const { projects, problems, warnings } = await loadPlaneCatalog(client, settings);
 */
export async function loadPlaneCatalog(
  client: PlaneClient,
  settings: PlaneSettings,
): Promise<{ projects: PlaneProjectView[]; problems: string[]; warnings: string[] }> {
  const all = await client.listProjects();
  const projects: PlaneProjectView[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const wanted of settings.projects) {
    const project = all.find((p) => p.id === wanted || p.identifier === wanted);
    if (!project) {
      problems.push(
        `no project "${wanted}" in workspace ${settings.workspace} (its projects: ${all.map((p) => p.identifier).join(', ') || 'none'})`,
      );
      continue;
    }
    const [states, labels] = [
      await client.listStates(project.id),
      await client.listLabels(project.id),
    ];
    const stateNames = new Map(states.map((s) => [s.id, s.name]));
    const labelNames = new Map(labels.map((l) => [l.id, l.name]));
    const known = states.map((s) => s.name).join(', ');
    const resolve = (names: string[] | null, kind: 'state' | 'label') => {
      if (!names) return { ids: null, missing: [] as string[] };
      const map = kind === 'state' ? stateNames : labelNames;
      const ids = names.map((n) => byName(map, n));
      return {
        ids: new Set(ids.filter((id): id is string => id !== null)),
        missing: names.filter((_, i) => ids[i] === null),
      };
    };
    const pickStates = resolve(settings.pickUp.states, 'state');
    const pickLabels = resolve(settings.pickUp.labels, 'label');
    if (pickStates.missing.length > 0) {
      problems.push(
        `project ${project.identifier} has no state ${pickStates.missing.map((n) => `"${n}"`).join(', ')} to pick items up from (its states: ${known})`,
      );
      continue;
    }
    if (pickLabels.missing.length > 0 && pickLabels.ids?.size === 0) {
      warnings.push(
        `project ${project.identifier} has no label ${pickLabels.missing.map((n) => `"${n}"`).join(', ')} yet: no item there is picked up until one carries it`,
      );
    }
    const moveTo = { started: null, done: null, blocked: null } as PlaneProjectView['moveTo'];
    for (const step of ['started', 'done', 'blocked'] as const) {
      const name = settings.moveTo[step];
      if (!name) continue;
      moveTo[step] = byName(stateNames, name);
      if (!moveTo[step])
        warnings.push(
          `project ${project.identifier} has no state "${name}" (move_to.${step}); items stay where they are (its states: ${known})`,
        );
    }
    projects.push({
      id: project.id,
      identifier: project.identifier,
      stateNames,
      labelNames,
      pickUpStates: pickStates.ids,
      pickUpLabels: pickLabels.ids,
      moveTo,
    });
  }
  return { projects, problems, warnings };
}

/** Whether an item is for the orchestrator: in a pick-up state, with a pick-up label. */
export function isPickedUp(project: PlaneProjectView, item: PlaneWorkItemRecord): boolean {
  if (item.archived_at || item.deleted_at) return false;
  const inState = !project.pickUpStates || project.pickUpStates.has(item.state ?? '');
  const labelled =
    !project.pickUpLabels || (item.labels ?? []).some((id) => project.pickUpLabels?.has(id));
  return inState && labelled;
}

/**
 * Whether a task's item still wants it done: picked up, or in the state work moved it to (the
 * item is in step while its task runs). Out of these, its task is cancelled.
 */
export function isActive(project: PlaneProjectView, item: PlaneWorkItemRecord): boolean {
  if (isPickedUp(project, item)) return true;
  const started = project.moveTo.started;
  if (!started || item.state !== started || item.archived_at || item.deleted_at) return false;
  return !project.pickUpLabels || (item.labels ?? []).some((id) => project.pickUpLabels?.has(id));
}

import { convert } from 'html-to-text';
import { type TaskInput, taskTypeSchema } from '../../../machines/task-types.js';
import type { PlaneSettings } from '../../config/resolve-plane-settings.js';
import type { PlaneWorkItemRecord } from './plane-api-schemas.js';

/** A task's description is at most this long; a longer item is cut, and says so. */
const maxDescription = 200_000;

/**
 * An item's description (Plane keeps it as HTML) as plain text: paragraphs, lists, code blocks
 * and links kept readable (`text [https://…]`), images dropped, no line wrapping.
 *
 * @example
 * descriptionText('<p>Fix <b>this</b></p><ul><li>one</li></ul>'); // 'Fix this\n\n * one'
 */
export function descriptionText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}

/** What an item becomes: the task's input, and what its labels asked for that could not be. */
export interface WorkItemInput {
  input: TaskInput;
  /** Labels that name no task type or model this configuration knows, in one line each. */
  ignoredLabels: string[];
}

/**
 * The task an item asks for: its name and description as text, its type and model from
 * labels such as `type:coding` and `model:sonnet`, and where it came from
 * (`plane:<workspace>/<project>/<sequence id>`).
 *
 * @example
 * workItemInput(item, { identifier: 'WEB' }, ['type:coding'], settings, ['deepseek', 'sonnet']);
 * // { input: { description: 'Fix the footer\n\nIt overlaps …', type: 'coding', source: 'plane:acme/WEB/12' }, ignoredLabels: [] }
 */
export function workItemInput(
  item: PlaneWorkItemRecord,
  project: { identifier: string },
  labelNames: readonly string[],
  settings: Pick<PlaneSettings, 'workspace' | 'overrides'>,
  models: readonly string[],
): WorkItemInput {
  const body = item.description_html
    ? descriptionText(item.description_html)
    : (item.description_stripped ?? '').trim();
  let description = body ? `${item.name.trim()}\n\n${body}` : item.name.trim();
  if (description.length > maxDescription) {
    const note = `\n\n[cut: the item's description is over ${maxDescription.toLocaleString('en-US')} characters]`;
    description = description.slice(0, maxDescription - note.length) + note;
  }
  const input: TaskInput = {
    description: description || `${project.identifier}-${item.sequence_id}`,
    source: `plane:${settings.workspace}/${project.identifier}/${item.sequence_id}`,
  };
  const ignoredLabels: string[] = [];
  const { typePrefix, modelPrefix } = settings.overrides;
  for (const label of labelNames) {
    if (typePrefix && label.startsWith(typePrefix)) {
      const type = taskTypeSchema.safeParse(label.slice(typePrefix.length).trim());
      if (type.success) input.type = type.data;
      else
        ignoredLabels.push(
          `label "${label}" names no task type (${taskTypeSchema.options.join(', ')})`,
        );
    } else if (modelPrefix && label.startsWith(modelPrefix)) {
      const model = label.slice(modelPrefix.length).trim();
      if (models.includes(model)) input.model = model;
      else ignoredLabels.push(`label "${label}" names no configured model (${models.join(', ')})`);
    }
  }
  return { input, ignoredLabels };
}

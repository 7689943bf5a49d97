import { randomUUID } from 'node:crypto';
import { descriptionText } from '../sources/plane/work-item-input.js';

// The data of a local Plane workspace, shaped as Plane's REST API (v1) answers it: projects,
// their states, labels, work items and comments. What people do on the board (file an item,
// move it, edit it, delete it) is a method here; the server serves it and the tests act on it.

export interface PlaneProject {
  id: string;
  identifier: string;
  name: string;
  workspace: string;
}

export type PlaneStateGroup = 'backlog' | 'unstarted' | 'started' | 'completed' | 'cancelled';

export interface PlaneState {
  id: string;
  name: string;
  color: string;
  group: PlaneStateGroup;
  sequence: number;
  default: boolean;
  project: string;
  workspace: string;
}

export interface PlaneLabel {
  id: string;
  name: string;
  color: string;
  project: string;
  workspace: string;
}

export interface PlaneWorkItem {
  id: string;
  name: string;
  description_html: string;
  description_stripped: string;
  priority: string;
  sequence_id: number;
  state: string;
  labels: string[];
  assignees: string[];
  project: string;
  workspace: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  archived_at: string | null;
  completed_at: string | null;
  external_source: string | null;
  external_id: string | null;
}

export interface PlaneComment {
  id: string;
  comment_html: string;
  comment_stripped: string;
  external_source: string | null;
  external_id: string | null;
  issue: string;
  project: string;
  workspace: string;
  created_at: string;
  updated_at: string;
}

/** What a person files on the board: state and labels by name. */
export interface NewWorkItem {
  name: string;
  description_html?: string;
  state?: string;
  labels?: string[];
  priority?: string;
}

/** The states Plane gives a new project. */
const defaultStates: [string, PlaneStateGroup][] = [
  ['Backlog', 'backlog'],
  ['Todo', 'unstarted'],
  ['In Progress', 'started'],
  ['Done', 'completed'],
  ['Cancelled', 'cancelled'],
];

/** A text without its markup, as Plane keeps beside the HTML (paragraphs as blank lines). */
function stripped(html: string): string {
  return descriptionText(html);
}

/**
 * A Plane workspace in memory. Times come from `now` (tests pass their own).
 *
 * @example
 * const board = new PlaneBoard('acme');
 * const web = board.addProject('WEB', 'Website');
 * board.fileItem(web, { name: 'Fix the footer', state: 'Todo' });
 */
export class PlaneBoard {
  readonly workspace: string;
  readonly workspaceId = randomUUID();
  readonly projects: PlaneProject[] = [];
  readonly states: PlaneState[] = [];
  readonly labels: PlaneLabel[] = [];
  readonly items: PlaneWorkItem[] = [];
  readonly comments: PlaneComment[] = [];
  readonly #now: () => number;

  constructor(workspace: string, now: () => number = Date.now) {
    this.workspace = workspace;
    this.#now = now;
  }

  #stamp(): string {
    return new Date(this.#now()).toISOString();
  }

  /** A project with Plane's five default states. */
  addProject(identifier: string, name = identifier): PlaneProject {
    const project = { id: randomUUID(), identifier, name, workspace: this.workspaceId };
    this.projects.push(project);
    defaultStates.forEach(([state, group], i) => {
      this.addState(project, state, group, i === 1);
    });
    return project;
  }

  addState(project: PlaneProject, name: string, group: PlaneStateGroup, isDefault = false) {
    const state: PlaneState = {
      id: randomUUID(),
      name,
      color: '#60646C',
      group,
      sequence: (this.states.filter((s) => s.project === project.id).length + 1) * 15_000,
      default: isDefault,
      project: project.id,
      workspace: this.workspaceId,
    };
    this.states.push(state);
    return state;
  }

  addLabel(project: PlaneProject, name: string): PlaneLabel {
    const label = {
      id: randomUUID(),
      name,
      color: '#3A86FF',
      project: project.id,
      workspace: this.workspaceId,
    };
    this.labels.push(label);
    return label;
  }

  stateNamed(projectId: string, name: string): PlaneState {
    const state = this.states.find((s) => s.project === projectId && s.name === name);
    if (!state) throw new Error(`no state "${name}" in project ${projectId}`);
    return state;
  }

  labelNamed(projectId: string, name: string): PlaneLabel {
    const label =
      this.labels.find((l) => l.project === projectId && l.name === name) ??
      this.addLabel(this.project(projectId), name);
    return label;
  }

  project(id: string): PlaneProject {
    const project = this.projects.find((p) => p.id === id || p.identifier === id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  }

  /** Files a work item, as a person does on the board (in the project's default state unless given). */
  fileItem(project: PlaneProject, item: NewWorkItem): PlaneWorkItem {
    const state = item.state
      ? this.stateNamed(project.id, item.state)
      : this.states.find((s) => s.project === project.id && s.default);
    const at = this.#stamp();
    const html = item.description_html ?? '';
    const created: PlaneWorkItem = {
      id: randomUUID(),
      name: item.name,
      description_html: html,
      description_stripped: stripped(html),
      priority: item.priority ?? 'none',
      sequence_id: this.items.filter((i) => i.project === project.id).length + 1,
      state: state?.id ?? '',
      labels: (item.labels ?? []).map((name) => this.labelNamed(project.id, name).id),
      assignees: [],
      project: project.id,
      workspace: this.workspaceId,
      created_at: at,
      updated_at: at,
      deleted_at: null,
      archived_at: null,
      completed_at: null,
      external_source: null,
      external_id: null,
    };
    this.items.push(created);
    return created;
  }

  item(id: string): PlaneWorkItem | undefined {
    return this.items.find((i) => i.id === id && i.deleted_at === null);
  }

  /** Changes an item (state and labels by name, or by id as the API sends them). */
  editItem(
    id: string,
    change: Partial<Pick<NewWorkItem, 'name' | 'description_html' | 'state' | 'labels'>>,
  ): PlaneWorkItem {
    const item = this.item(id);
    if (!item) throw new Error(`no work item ${id}`);
    if (change.name !== undefined) item.name = change.name;
    if (change.description_html !== undefined) {
      item.description_html = change.description_html;
      item.description_stripped = stripped(change.description_html);
    }
    if (change.state !== undefined) {
      const state =
        this.states.find((s) => s.project === item.project && s.id === change.state) ??
        this.stateNamed(item.project, change.state);
      item.state = state.id;
      item.completed_at = state.group === 'completed' ? this.#stamp() : null;
    }
    if (change.labels !== undefined) {
      item.labels = change.labels.map(
        (label) =>
          this.labels.find((l) => l.project === item.project && l.id === label)?.id ??
          this.labelNamed(item.project, label).id,
      );
    }
    item.updated_at = this.#stamp();
    return item;
  }

  deleteItem(id: string): PlaneWorkItem {
    const item = this.item(id);
    if (!item) throw new Error(`no work item ${id}`);
    item.deleted_at = this.#stamp();
    return item;
  }

  /** The name of an item's state. */
  stateOf(item: PlaneWorkItem): string {
    return this.states.find((s) => s.id === item.state)?.name ?? '';
  }

  commentsOn(itemId: string): PlaneComment[] {
    return this.comments.filter((c) => c.issue === itemId);
  }

  addComment(
    item: PlaneWorkItem,
    comment: { comment_html: string; external_source?: string; external_id?: string },
  ): PlaneComment {
    const at = this.#stamp();
    const created: PlaneComment = {
      id: randomUUID(),
      comment_html: comment.comment_html,
      comment_stripped: stripped(comment.comment_html),
      external_source: comment.external_source ?? null,
      external_id: comment.external_id ?? null,
      issue: item.id,
      project: item.project,
      workspace: this.workspaceId,
      created_at: at,
      updated_at: at,
    };
    this.comments.push(created);
    return created;
  }
}

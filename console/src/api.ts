import type { TaskDetailView, TaskSummaryView } from '../../src/http/task-views.js';
import type { StatusReport } from '../../src/runtime/status-report.js';

export type { StatusReport, TaskDetailView, TaskSummaryView };

/**
 * The API token, when the server needs one: given once in the address's fragment
 * (`#token=…`, never sent to a server or kept in its logs), then kept for this tab only.
 */
export function apiToken(): string | null {
  const match = /[#&]token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem('cto-token', decodeURIComponent(match[1]));
    window.location.hash = window.location.hash.replace(/[#&]token=[^&]+/, '') || '#/';
  }
  return sessionStorage.getItem('cto-token');
}

export function authHeaders(): Record<string, string> {
  const token = apiToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** An answer other than 2xx, with the server's one line. */
export class ApiFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { ...authHeaders(), ...(init.headers as Record<string, string>) },
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {}
    throw new ApiFailure(response.status, message);
  }
  return (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

export interface TaskPage {
  tasks: TaskSummaryView[];
  next: string | null;
  streamFrom: string | null;
}

export interface Replay {
  matches: boolean;
  steps: { seq: number; at: number; type: string | null; state: string; decision: string | null }[];
}

export interface MachineGraph {
  initial: string | null;
  states: { id: string; final: boolean }[];
  edges: { from: string; to: string; label: string }[];
}

export interface PerformanceRow {
  model: string;
  taskType: string;
  attempts: number;
  approvals: number;
  escalations: number;
  reviews: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  approvalRate: number | null;
  avgQuality: number | null;
}

export interface CostDay {
  window: string;
  tokens: number;
  usd: number;
  models: Record<string, { tokens: number; usd: number }>;
}

export interface NewTask {
  description: string;
  type?: string;
  model?: string;
  workdir?: string;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  tasks: (query: { status?: string; model?: string; after?: string; limit?: number }) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') params.set(key, String(value));
    return call<TaskPage>(`/api/tasks?${params}`);
  },
  task: (id: string) => call<TaskDetailView>(`/api/tasks/${encodeURIComponent(id)}`),
  submit: (task: NewTask) => call<TaskSummaryView>('/api/tasks', json(task)),
  cancel: (id: string) =>
    call<{ id: string; status: string }>(`/api/tasks/${encodeURIComponent(id)}/cancel`, json({})),
  output: (id: string, ref: string) =>
    call<string>(`/api/tasks/${encodeURIComponent(id)}/outputs/${ref}`),
  replay: (id: string) => call<Replay>(`/api/tasks/${encodeURIComponent(id)}/replay`),
  machine: () => call<MachineGraph>('/api/machines/task'),
  status: () => call<StatusReport>('/api/status'),
  performance: () => call<{ rows: PerformanceRow[] }>('/api/performance'),
  costs: (days = 14) => call<{ days: CostDay[] }>(`/api/costs?days=${days}`),
};

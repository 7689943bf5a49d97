import { useEffect, useState } from 'preact/hooks';
import { api, type TaskSummaryView } from './api.js';
import { age, count, usd } from './format.js';
import { listen } from './live-stream.js';

const statuses = ['', 'classifying', 'executing', 'reviewing', 'done', 'blocked', 'cancelled'];

/**
 * Tasks newest first, kept live by the all-tasks stream (no reload): each change replaces the
 * task's row, or adds it when it is new and passes the filters.
 */
export function TaskList() {
  const [status, setStatus] = useState('');
  const [model, setModel] = useState('');
  const [tasks, setTasks] = useState<TaskSummaryView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, tick] = useState(0);

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    const passes = (task: TaskSummaryView) =>
      (!status || task.status === status) && (!model || task.model === model);
    const load = async () => {
      try {
        const page = await api.tasks({ status, model });
        if (cancelled) return;
        setTasks(page.tasks);
        setNext(page.next);
        setError(null);
        stop = listen(
          '/api/stream',
          (message) => {
            if (message.event === 'reset') {
              stop();
              void load();
              return;
            }
            if (message.event !== 'task') return;
            const task = JSON.parse(message.data) as TaskSummaryView;
            setTasks((current) => {
              const rest = current.filter((t) => t.id !== task.id);
              const known = rest.length !== current.length;
              if (!passes(task)) return rest;
              if (!known) return [task, ...rest].sort((a, b) => b.createdAt - a.createdAt);
              return current.map((t) => (t.id === task.id ? task : t));
            });
          },
          { lastEventId: page.streamFrom },
        );
      } catch (failure) {
        setError((failure as Error).message);
      }
    };
    void load();
    const ages = setInterval(() => tick((n) => n + 1), 5_000);
    return () => {
      cancelled = true;
      stop();
      clearInterval(ages);
    };
  }, [status, model]);

  const more = async () => {
    if (!next) return;
    const page = await api.tasks({ status, model, after: next });
    setTasks((current) => [...current, ...page.tasks]);
    setNext(page.next);
  };

  return (
    <section>
      <h2>Tasks</h2>
      <div class="filters">
        <label>
          State
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {statuses.map((s) => (
              <option value={s}>{s || 'all'}</option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input
            name="model-filter"
            value={model}
            placeholder="all"
            onChange={(e) => setModel(e.currentTarget.value.trim())}
          />
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>State</th>
            <th>Model</th>
            <th>Attempts</th>
            <th>Tokens</th>
            <th>Cost</th>
            <th>Age</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr data-task={task.id}>
              <td>
                <a href={`#/tasks/${task.id}`}>{task.title}</a>
              </td>
              <td>
                <span class={`state ${task.status}`} data-state={task.status}>
                  {task.status}
                </span>
              </td>
              <td>{task.model ?? '–'}</td>
              <td>{task.attemptCount}</td>
              <td>{count(task.tokens)}</td>
              <td>{usd(task.costUsd)}</td>
              <td>{age(task.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {tasks.length === 0 && !error && <p class="note">No tasks yet.</p>}
      {next && (
        <button type="button" onClick={more}>
          More
        </button>
      )}
    </section>
  );
}

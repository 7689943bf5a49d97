import { useEffect, useState } from 'preact/hooks';
import { api, type Replay, type TaskDetailView } from './api.js';
import { count, time, usd } from './format.js';
import { listen } from './live-stream.js';
import { MachineDiagram } from './machine-diagram.js';

type Attempt = TaskDetailView['attempts'][number];
const finalStates = new Set(['done', 'blocked', 'cancelled']);

/** An attempt's output, loaded when asked for: outputs can be large. */
function Output({ taskId, outputRef }: { taskId: string; outputRef: string }) {
  const [text, setText] = useState<string | null>(null);
  if (text !== null) return <pre class="output">{text}</pre>;
  return (
    <button type="button" onClick={async () => setText(await api.output(taskId, outputRef))}>
      Show output
    </button>
  );
}

function AttemptCard({ taskId, attempt }: { taskId: string; attempt: Attempt }) {
  const usage = attempt.usage;
  return (
    <article class="attempt" data-attempt={attempt.n}>
      <h4>
        Attempt {attempt.n} on <span class="model">{attempt.model.id}</span>
      </h4>
      <p class="reason">{attempt.reason}</p>
      {usage && (
        <p class="figures">
          {count(usage.inputTokens + usage.outputTokens)} tokens · {usd(usage.costUsd)} ·{' '}
          {(usage.latencyMs / 1000).toFixed(1)} s · {attempt.turns} turns
          {attempt.sessionId && <> · Claude Code session {attempt.sessionId}</>}
        </p>
      )}
      {attempt.error && <p class="error">Failed: {attempt.error}</p>}
      {attempt.toolCalls.length > 0 && (
        <details class="tool-calls" open>
          <summary>{attempt.toolCalls.length} tool calls</summary>
          <ol>
            {attempt.toolCalls.map((call) => (
              <li data-tool={call.name}>
                <code>
                  {call.name}({call.arguments})
                </code>{' '}
                <span class={call.ok === false ? 'bad' : 'good'}>
                  {call.ok === null ? 'no result' : call.ok ? 'ok' : 'failed'}
                </span>
                {call.output !== null && <pre>{call.output}</pre>}
              </li>
            ))}
          </ol>
        </details>
      )}
      {attempt.summary && <p class="summary">{attempt.summary}</p>}
      {attempt.outputRef && <Output taskId={taskId} outputRef={attempt.outputRef} />}
      {attempt.review && (
        <div class={`review ${attempt.review.verdict}`} data-review={attempt.review.verdict}>
          Review: <strong>{attempt.review.verdict}</strong>, quality {attempt.review.quality}/10 —{' '}
          {attempt.review.feedback}
        </div>
      )}
    </article>
  );
}

function Estimates({ task }: { task: TaskDetailView }) {
  const estimates = task.route?.estimates;
  if (!estimates?.length) return null;
  return (
    <table class="estimates">
      <thead>
        <tr>
          <th>Model</th>
          <th>Approval chance</th>
          <th>Cost a try</th>
          <th>Expected cost to approval</th>
          <th>Chain</th>
        </tr>
      </thead>
      <tbody>
        {estimates.map((e) => (
          <tr class={e.model === task.route?.model?.id ? 'chosen' : ''}>
            <td>{e.model}</td>
            <td>{Math.round(e.approval * 100)}%</td>
            <td>{e.attemptCostUsd === null ? 'unpriced' : usd(e.attemptCostUsd)}</td>
            <td>{e.costToApprovalUsd === null ? 'unpriced' : usd(e.costToApprovalUsd)}</td>
            <td>{e.path.join(' → ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Steps through the stored event log as the task machine replays it, lighting each state. */
function ReplayControls({ id, onState }: { id: string; onState: (state: string | null) => void }) {
  const [replay, setReplay] = useState<Replay | null>(null);
  const [at, setAt] = useState(0);
  const show = (n: number, steps = replay) => {
    setAt(n);
    onState(steps?.steps[n]?.state ?? null);
  };
  if (!replay) {
    return (
      <button
        type="button"
        onClick={async () => {
          const loaded = await api.replay(id);
          setReplay(loaded);
          show(0, loaded);
        }}
      >
        Replay step by step
      </button>
    );
  }
  const step = replay.steps[at];
  return (
    <section class="replay" aria-label="Replay">
      <button type="button" disabled={at === 0} onClick={() => show(at - 1)}>
        ◀ Back
      </button>
      <span data-replay-step={at + 1}>
        Step {at + 1} of {replay.steps.length}: {step?.type ?? 'created'} →{' '}
        <strong>{step?.state}</strong>
      </span>
      <button type="button" disabled={at >= replay.steps.length - 1} onClick={() => show(at + 1)}>
        Next ▶
      </button>
      <button
        type="button"
        onClick={() => {
          setReplay(null);
          onState(null);
        }}
      >
        Close
      </button>
      {step?.decision && <p class="note">{step.decision}</p>}
      <p class="note">
        {replay.matches
          ? 'The replay ends where the stored task stands.'
          : 'The replay differs from the stored task.'}
      </p>
    </section>
  );
}

export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<TaskDetailView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [activity, setActivity] = useState<string[]>([]);
  const [replayState, setReplayState] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.task(id).then(
        (loaded) => !stopped && setTask(loaded),
        (failure: Error) => !stopped && setError(failure.message),
      );
    void load();
    const stop = listen(`/api/tasks/${encodeURIComponent(id)}/stream`, (message) => {
      if (message.event === 'activity') {
        const { note } = JSON.parse(message.data) as { note: string };
        setActivity((lines) => [...lines.slice(-49), note]);
      } else void load();
    });
    return () => {
      stopped = true;
      stop();
    };
  }, [id]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!task) return <p class="note">Loading…</p>;
  const cancel = async () => {
    try {
      await api.cancel(id);
      setTask(await api.task(id));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <section class="task-page">
      <p>
        <a href="#/">← Tasks</a>
      </p>
      <h2>{task.title}</h2>
      <p class="figures">
        <span class={`state ${task.status}`} data-task-status={task.status}>
          {task.status}
        </span>{' '}
        {task.id} · {task.model ?? 'no model yet'} · {task.attemptCount} attempts ·{' '}
        {count(task.tokens)} tokens · {usd(task.costUsd)}
        {!finalStates.has(task.status) && (
          <button type="button" class="danger" onClick={cancel}>
            Cancel task
          </button>
        )}
      </p>
      {task.outcome && (
        <p class={`outcome ${task.outcome.status}`}>
          {task.outcome.status}: {task.outcome.reason}
        </p>
      )}
      <div class="columns">
        <div>
          <h3>Lifecycle</h3>
          <MachineDiagram current={replayState ?? task.status} visited={task.events.length > 1} />
          <ReplayControls id={id} onState={setReplayState} />
        </div>
        <div>
          <h3>Decisions</h3>
          <ol class="decisions">
            {task.decisions.map((decision) => (
              <li>{decision}</li>
            ))}
          </ol>
          {task.classification && (
            <p class="note">
              Classified {task.classification.complexity} {task.classification.type} by the{' '}
              {task.classification.source}, which recommended {task.classification.model}:{' '}
              {task.classification.reason}
            </p>
          )}
          <Estimates task={task} />
        </div>
      </div>
      <h3>Attempts</h3>
      {task.attempts.length === 0 && <p class="note">None yet.</p>}
      {task.attempts.map((attempt) => (
        <AttemptCard taskId={id} attempt={attempt} />
      ))}
      {activity.length > 0 && (
        <>
          <h3>Live activity</h3>
          <ul class="activity">
            {activity.map((line) => (
              <li>{line}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Timeline</h3>
      <ol class="timeline">
        {task.events.map((event) => (
          <li data-event={event.type ?? 'created'}>
            <time>{time(event.at)}</time> #{event.seq} {event.type ?? 'created'}
          </li>
        ))}
      </ol>
    </section>
  );
}

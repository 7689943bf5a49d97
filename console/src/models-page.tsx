import { useEffect, useState } from 'preact/hooks';
import { api, type CostDay, type PerformanceRow, type StatusReport } from './api.js';
import { BarChart } from './bar-chart.js';
import { count, percent, usd } from './format.js';

function Budgets({ status }: { status: StatusReport }) {
  const { budgets } = status;
  const rows = budgets.scopes.map((scope) => {
    const group = scope.scope.startsWith('group:')
      ? budgets.perDay[scope.scope.slice(6) as 'claude' | 'external']
      : null;
    return { ...scope, limitTokens: scope.limitTokens ?? group ?? null };
  });
  return (
    <table class="budgets">
      <thead>
        <tr>
          <th>Budget</th>
          <th>Tokens used (reserved)</th>
          <th>Token limit</th>
          <th>Dollars</th>
          <th>Dollar limit</th>
          <th>Use</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const used = row.tokens + row.reservedTokens;
          const share = row.limitTokens ? Math.min(1, used / row.limitTokens) : null;
          return (
            <tr data-budget={row.scope}>
              <td>{row.scope}</td>
              <td>
                {count(row.tokens)} ({count(row.reservedTokens)})
              </td>
              <td>{row.limitTokens === null ? 'none' : count(row.limitTokens)}</td>
              <td>{usd(row.usd + row.reservedUsd)}</td>
              <td>{row.limitUsd === null ? 'none' : usd(row.limitUsd)}</td>
              <td>
                {share === null ? (
                  '–'
                ) : (
                  <meter min={0} max={1} value={share} title={percent(share)} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Approval rate and quality per model and task type, cooldowns, budgets today, cost per day. */
export function ModelsPage() {
  const [status, setStatus] = useState<StatusReport | null>(null);
  const [rows, setRows] = useState<PerformanceRow[]>([]);
  const [days, setDays] = useState<CostDay[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      Promise.all([api.status(), api.performance(), api.costs(14)]).then(
        ([s, p, c]) => {
          setStatus(s);
          setRows(p.rows);
          setDays(c.days);
        },
        (failure: Error) => setError(failure.message),
      );
    void load();
    const timer = setInterval(load, 5_000);
    return () => clearInterval(timer);
  }, []);
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!status) return <p class="note">Loading…</p>;
  const models = [...new Set(rows.map((r) => r.model))];
  const types = [...new Set(rows.map((r) => r.taskType))];
  const byType = (pick: (row: PerformanceRow) => number | null) =>
    types.map((type) => ({
      label: type,
      data: models.map(
        (m) => pick(rows.find((r) => r.model === m && r.taskType === type) as PerformanceRow) ?? 0,
      ),
    }));
  const dayModels = [...new Set(days.flatMap((d) => Object.keys(d.models)))];
  return (
    <section class="models-page">
      <h2>Models</h2>
      {status.config.error && (
        <p class="error">The newest config edit was rejected: {status.config.error.join('; ')}</p>
      )}
      <p class="note">Config: {status.config.file ?? 'built-in defaults'}</p>
      <table class="models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Kind</th>
            <th>State</th>
            <th>Queued</th>
            <th>Running</th>
          </tr>
        </thead>
        <tbody>
          {status.models.map((m) => (
            <tr data-model={m.id}>
              <td>{m.id}</td>
              <td>{m.kind}</td>
              <td>
                {!m.enabled
                  ? 'disabled'
                  : m.coolingDownUntil
                    ? `cooling down until ${new Date(m.coolingDownUntil).toLocaleTimeString('en-GB')}`
                    : m.usable
                      ? 'ready'
                      : m.note}
              </td>
              <td>{m.queued}</td>
              <td>{m.active}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Approval and quality</h2>
      {rows.length === 0 ? (
        <p class="note">No history yet: it grows with every reviewed attempt.</p>
      ) : (
        <>
          <div class="charts">
            <BarChart
              label="approval rate by model and task type"
              labels={models}
              datasets={byType((r) => (r?.approvalRate ?? 0) * 100)}
              max={100}
            />
            <BarChart
              label="average quality by model and task type"
              labels={models}
              datasets={byType((r) => r?.avgQuality ?? 0)}
              max={10}
            />
          </div>
          <table class="performance">
            <thead>
              <tr>
                <th>Model</th>
                <th>Task type</th>
                <th>Attempts</th>
                <th>Approval</th>
                <th>Quality</th>
                <th>Escalations</th>
                <th>Tokens</th>
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-performance={`${r.model}/${r.taskType}`}>
                  <td>{r.model}</td>
                  <td>{r.taskType}</td>
                  <td>{r.attempts}</td>
                  <td>{percent(r.approvalRate)}</td>
                  <td>{r.avgQuality === null ? '–' : r.avgQuality.toFixed(1)}</td>
                  <td>{r.escalations}</td>
                  <td>{count(r.inputTokens + r.outputTokens)}</td>
                  <td>{usd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Money</h2>
      <p class="note">
        Budget day {status.budgets.window} (UTC{status.budgets.utcOffset}); when over budget:{' '}
        {status.budgets.whenOverBudget}.
      </p>
      <Budgets status={status} />
      <h3>Cost per day</h3>
      <BarChart
        label="cost per day by model"
        labels={days.map((d) => d.window.slice(5))}
        datasets={dayModels.map((m) => ({
          label: m,
          data: days.map((d) => d.models[m]?.usd ?? 0),
        }))}
        stacked
      />
    </section>
  );
}

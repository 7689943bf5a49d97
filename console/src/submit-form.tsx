import { useState } from 'preact/hooks';
import { api } from './api.js';

const taskTypes = ['', 'bash_command', 'coding', 'research', 'analysis', 'email', 'deployment'];

/** Text, type, model and working directory: the same input as `cto run` and `spawn`. */
export function SubmitForm() {
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? '').trim() || undefined;
    setBusy(true);
    setError(null);
    try {
      const task = await api.submit({
        description: String(data.get('description') ?? ''),
        type: field('type'),
        model: field('model'),
        workdir: field('workdir'),
      });
      setSent(task.id);
      form.reset();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="submit" onSubmit={submit} aria-label="Submit a task">
      <h2>New task</h2>
      <textarea
        name="description"
        required
        rows={3}
        placeholder="What should be done?"
        aria-label="Task"
      />
      <div class="row">
        <label>
          Type
          <select name="type">
            {taskTypes.map((type) => (
              <option value={type}>{type || 'the CTO decides'}</option>
            ))}
          </select>
        </label>
        <label>
          Model
          <input name="model" placeholder="the CTO and routing decide" />
        </label>
        <label>
          Working directory
          <input name="workdir" placeholder="the server's default" />
        </label>
        <button type="submit" disabled={busy}>
          Submit
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {sent && !error && (
        <p class="note">
          Submitted <a href={`#/tasks/${sent}`}>{sent}</a>
        </p>
      )}
    </form>
  );
}

import type { TaskContext } from '../../machines/task-context.js';
import type { CallActivity } from '../runtime/create-orchestrator.js';
import type { CliIo } from './cli-io.js';
import { progressLine } from './progress-line.js';

export interface LiveView {
  /** A new snapshot of the task: new decisions are printed, and the progress line. */
  update(phase: string, context: TaskContext): void;
  /** What a model call is doing (a tool call). */
  note(activity: CallActivity): void;
  /** Leaves the progress line in place. */
  end(): void;
}

/**
 * What `cto run` shows while a task works: each decision as it is taken (classification,
 * override, review, escalation), each tool call, and a progress line (phase, model, tokens,
 * $, elapsed) redrawn in place on a terminal and printed when it changes otherwise.
 *
 * @example
 * const view = createLiveView(io, Date.now());
 * task.subscribe((s) => view.update(String(s.value), s.context));
 */
export function createLiveView(io: CliIo, started: number, now: () => number = Date.now): LiveView {
  let printedDecisions = 0;
  let lastKey = '';
  let progress = '';
  const permanent = (line: string) => {
    io.stdout(io.isTerminal ? `\r\x1b[2K${line}\n${progress}` : `${line}\n`);
  };
  return {
    update(phase, context) {
      for (const decision of context.decisions.slice(printedDecisions))
        permanent(`  - ${decision}`);
      printedDecisions = context.decisions.length;
      progress = progressLine(phase, context, now() - started);
      const key = progress.replace(/\s+[\d.]+ s$/, ''); // a new line when more than the time changed
      if (key === lastKey) return;
      lastKey = key;
      io.stdout(io.isTerminal ? `\r\x1b[2K${progress}` : `${progress}\n`);
    },
    note(activity) {
      permanent(`    ${activity.model} ${activity.phase}: ${activity.note}`);
    },
    end() {
      if (io.isTerminal) io.stdout('\n');
    },
  };
}

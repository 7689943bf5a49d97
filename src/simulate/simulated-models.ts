import { ctoSystemPrompt } from '../../agents/cto-prompts.js';
import { heuristicClassification } from '../routing/heuristic-classification.js';
import type { RecordedRequest } from '../testing/recorded-request.js';
import type { ScriptedReply } from '../testing/scripted-reply.js';

interface Turn {
  role: string;
  text: string;
  /** Whether the turn carries a tool's result (OpenAI `tool` message, Anthropic `tool_result`). */
  toolResult: boolean;
}

/** The text of a content field in either provider's shape: a string or a list of blocks. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) =>
      block && typeof block === 'object' && 'text' in block && typeof block.text === 'string'
        ? block.text
        : '',
    )
    .join('\n');
}

function turnsOf(body: unknown): { system: string; turns: Turn[] } {
  const record = (body ?? {}) as { system?: unknown; messages?: unknown };
  const messages = Array.isArray(record.messages)
    ? (record.messages as { role?: unknown; content?: unknown }[])
    : [];
  const system = [
    textOf(record.system),
    ...messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)),
  ].join('\n');
  const turns = messages
    .filter((m) => m.role !== 'system')
    .map((m) => ({
      role: String(m.role),
      text: textOf(m.content),
      toolResult:
        m.role === 'tool' ||
        (Array.isArray(m.content) &&
          m.content.some(
            (b) => b && typeof b === 'object' && (b as { type?: unknown }).type === 'tool_result',
          )),
    }));
  return { system, turns };
}

function between(text: string, tag: string): string {
  return new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text)?.[1]?.trim() ?? text;
}

/** A file name for the task's work, from its first words. */
function fileFor(task: string): string {
  const slug = task
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${slug || 'work'}.md`;
}

/** What a simulated worker says when its prompt carries a reviewer's feedback to act on. */
const checkedNote = 'and read it back to check it';

/**
 * Plausible stand-ins for every model, for `--simulate`. Every answer is a function of the
 * request alone, so a resumed task is answered as an uninterrupted one would have been: the CTO
 * classifies with the keyword heuristic and approves only work that says it was checked;
 * workers check their work only when their prompt carries a reviewer's feedback (an
 * escalation), so the first attempt is rejected and the escalation approved. Tool-calling
 * workers ask for their directory, write a file about the task and read it back; Claude Code
 * workers write it with their Write tool; text-only models answer in text.
 *
 * @example
 * const models = simulatedModels();
 * openAiServer.script(() => true, models.openAi);
 * anthropicServer.script(() => true, models.anthropic);
 */
export function simulatedModels(): {
  openAi: (request: RecordedRequest) => ScriptedReply;
  anthropic: (request: RecordedRequest) => ScriptedReply;
} {
  function cto(prompt: string): ScriptedReply {
    const task = between(prompt, 'task');
    // Claude Code puts its own reminders before the prompt: look for it anywhere.
    if (prompt.includes('Classify this task')) {
      const guess = heuristicClassification({ description: task }, 'simulated CTO');
      return {
        text: JSON.stringify({
          complexity: guess.complexity,
          type: guess.type,
          model: guess.model,
          reason: `simulated: reads as ${guess.complexity} ${guess.type} work`,
        }),
      };
    }
    if (!between(prompt, 'output').includes(checkedNote)) {
      return {
        text: JSON.stringify({
          verdict: 'reject',
          quality: 4,
          feedback: 'simulated: the change is not checked; read the file back and state the result',
        }),
      };
    }
    return {
      text: JSON.stringify({
        verdict: 'approve',
        quality: 8,
        feedback: 'simulated: complete and checked',
      }),
    };
  }

  /** The worker's closing summary: it says it checked only when a reviewer asked for it. */
  function summary(prompt: string, task: string, path: string): string {
    const checked = prompt.includes("The reviewer's feedback:") ? ` ${checkedNote}` : '';
    return `Done (simulated). Wrote ${path} describing the task "${task.split('\n')[0]}"${checked}.`;
  }

  return {
    openAi(request) {
      const { system, turns } = turnsOf(request.body);
      const prompt = turns[0]?.text ?? '';
      if (system.includes(ctoSystemPrompt)) return cto(prompt);
      const task = taskOf(prompt);
      const file = fileFor(task.split('\n')[0] ?? task);
      const hasTools = Array.isArray((request.body as { tools?: unknown }).tools);
      if (!hasTools) {
        const checked = prompt.includes("The reviewer's feedback:") ? ` (${checkedNote})` : '';
        return {
          text: `Simulated answer to: ${task.split('\n')[0]}${checked}\n\n1. Context\n2. Options\n3. Recommendation`,
        };
      }
      const results = turns.filter((t) => t.toolResult);
      if (results.length === 0)
        return { toolCalls: [{ name: 'get_current_directory', arguments: {} }] };
      const cwd = results[0]?.text.trim() || '.';
      if (results.length === 1) {
        return {
          toolCalls: [
            {
              name: 'write_file',
              arguments: {
                path: file,
                content: `# ${task.split('\n')[0]}\n\nSimulated work for this task.\n`,
              },
            },
          ],
        };
      }
      if (results.length === 2)
        return { toolCalls: [{ name: 'run_command', arguments: { command: `cat ${file}` } }] };
      return { text: summary(prompt, task, `${cwd}/${file}`) };
    },
    anthropic(request) {
      const { system, turns } = turnsOf(request.body);
      const first = turns[0]?.text ?? '';
      if (system.includes(ctoSystemPrompt)) return cto(first);
      const taskAt = first.indexOf('Task (');
      if (taskAt === -1) return { text: 'ok' }; // a side call of the CLI (a title, a probe)
      const prompt = first.slice(taskAt);
      const task = taskOf(prompt);
      const file = fileFor(task.split('\n')[0] ?? task);
      // Claude Code tells the model its directory ("Primary working directory: /…"); Write wants absolute paths.
      const cwd = /working directory: (\S+)/i.exec(system)?.[1] ?? '.';
      if (!turns.some((t) => t.toolResult)) {
        return {
          toolCalls: [
            {
              name: 'Write',
              arguments: {
                file_path: `${cwd}/${file}`,
                content: `# ${task.split('\n')[0]}\n\nSimulated work for this task.\n`,
              },
            },
          ],
        };
      }
      return { text: summary(prompt, task, `${cwd}/${file}`) };
    },
  };
}

/** The task's own words in a worker prompt: after its first line, before an earlier attempt. */
function taskOf(prompt: string): string {
  const body = prompt.split('\n').slice(1).join('\n');
  return body.split('\n\nAn earlier attempt by ')[0] ?? body;
}

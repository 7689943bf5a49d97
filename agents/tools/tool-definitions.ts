import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';

const path = z
  .string()
  .min(1)
  .describe(
    'Path relative to the task directory; an absolute path must lie inside it, and links are followed only while they stay inside',
  );

/**
 * The tools an external model can call, as data: a description and a zod schema of the
 * arguments for each. The JSON schemas sent to the model are generated from these, so what the
 * model is told and what is accepted cannot drift apart. Objects are strict: an unknown
 * argument is an error the model hears about, as the generated schema says.
 */
export const toolDefinitions = {
  read_file: {
    description: 'Read a UTF-8 text file in the task directory. Long files are truncated.',
    arguments: z.strictObject({ path }),
  },
  write_file: {
    description:
      'Create or overwrite a file in the task directory with the given content, creating missing parent directories.',
    arguments: z.strictObject({
      path,
      content: z.string().describe('The complete new content of the file'),
    }),
  },
  edit_file: {
    description:
      'Replace old_text with new_text in a file. old_text must occur exactly once in the file: include enough surrounding lines to make it unique.',
    arguments: z.strictObject({
      path,
      old_text: z.string().min(1).describe('The exact text to replace, occurring once in the file'),
      new_text: z.string().describe('The text to put in its place'),
    }),
  },
  run_command: {
    description:
      'Run a bash command in the task directory, inside a sandbox; returns the exit code and the combined stdout and stderr (truncated when long). The sandbox shows the system read-only and only the task directory writable, with an empty home and /tmp of its own; there is no network unless the configuration allows it, and no sudo. The command and every process it starts are killed at the timeout, and background processes do not outlive the command. Stdin is closed. A few plainly destructive commands (rm -r of the task directory or /, sudo, force pushes, piping a download into a shell …) are refused with the reason.',
    arguments: z.strictObject({
      command: z.string().min(1).describe('The bash command line'),
      timeout_seconds: z
        .number()
        .positive()
        .optional()
        .describe('Time limit in seconds: 120 when left out, at most 300 (more is lowered to 300)'),
    }),
  },
  list_directory: {
    description:
      'List the entries of a directory in the task directory, one per line; directory names end with "/".',
    arguments: z.strictObject({
      path: path.optional().describe('The directory to list; the task directory when left out'),
    }),
  },
  get_current_directory: {
    description:
      'Return the absolute path of the task directory, where commands run and relative paths start.',
    arguments: z.strictObject({}),
  },
  git_status: {
    description: 'Show the git status of the task directory.',
    arguments: z.strictObject({}),
  },
  git_diff: {
    description: 'Show the changes not yet staged, or with staged: true the staged ones.',
    arguments: z.strictObject({
      staged: z.boolean().optional().describe('Show staged changes instead of unstaged ones'),
    }),
  },
  git_commit: {
    description:
      'Stage every change in the task directory (git add -A) and commit it with the given message. The commit is attributed to this model.',
    arguments: z.strictObject({ message: z.string().min(1).describe('The commit message') }),
  },
} satisfies Record<string, { description: string; arguments: z.ZodObject }>;

export type ToolName = keyof typeof toolDefinitions;

/**
 * True when `name` is one of the tools; a model may call anything.
 *
 * @example
 * isToolName('read_file'); // true
 * isToolName('delete_everything'); // false
 */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolDefinitions, name);
}

/**
 * The `tools` array of an OpenAI chat-completions request, with each tool's parameters
 * generated from its zod schema.
 *
 * @example
 * await client.chat.completions.create({ model, messages, tools: chatCompletionTools() });
 */
export function chatCompletionTools(): ChatCompletionFunctionTool[] {
  return Object.entries(toolDefinitions).map(([name, definition]) => {
    // Some OpenAI-compatible providers reject a `$schema` key in the parameters.
    const { $schema: _, ...parameters } = z.toJSONSchema(definition.arguments);
    return {
      type: 'function',
      function: { name, description: definition.description, parameters },
    };
  });
}

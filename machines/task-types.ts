import { z } from 'zod';
import { modelKindSchema } from '../agents/model-entry.js';
import { networkAccessSchema } from './network-access.js';

export const complexitySchema = z.enum(['simple', 'moderate', 'complex']);
export type Complexity = z.infer<typeof complexitySchema>;

export const taskTypeSchema = z.enum([
  'bash_command',
  'coding',
  'research',
  'analysis',
  'email',
  'deployment',
]);
export type TaskType = z.infer<typeof taskTypeSchema>;

/** What the CTO (or, when it fails, the heuristic) says about a task. */
export const classificationSchema = z.object({
  complexity: complexitySchema,
  type: taskTypeSchema,
  /** The worker model the CTO recommends. */
  model: z.string().min(1),
  reason: z.string(),
  source: z.enum(['cto', 'heuristic']),
});
export type Classification = z.infer<typeof classificationSchema>;

/** Enough about a model for the machine's guards: which one, how it runs, how strong it is. */
export const modelRefSchema = z.object({
  id: z.string().min(1),
  kind: modelKindSchema,
  tier: z.int(),
});
export type ModelRef = z.infer<typeof modelRefSchema>;

/** What learned routing estimated for one candidate model (null where it is unpriced). */
export const routeEstimateSchema = z.object({
  model: z.string(),
  /** Chance the CTO approves this model's attempt. */
  approval: z.number(),
  attemptCostUsd: z.number().nullable(),
  /** Expected cost of the attempt and of the escalations a failure leads to. */
  expectedCostUsd: z.number().nullable(),
  /** Chance that chain ends in an approved result. */
  approvedChance: z.number(),
  /** The chain's expected cost, plus finishing on the strongest model if it ends unapproved. */
  costToApprovalUsd: z.number().nullable(),
  /** The model and the escalation ladder after it. */
  path: z.array(z.string()),
});
export type RouteEstimate = z.infer<typeof routeEstimateSchema>;

/** A routing decision: the model (or none) and the human-readable reason. */
export const routeSchema = z.object({
  model: modelRefSchema.nullable(),
  reason: z.string(),
  /** Learned routing's estimates for every candidate, when it made the choice. */
  estimates: z.array(routeEstimateSchema).optional(),
});
export type Route = z.infer<typeof routeSchema>;

/** The longest task description: it travels in every prompt and every stored snapshot. */
export const maxDescriptionChars = 200_000;

/**
 * A task as a user hands it in (`cto run`, `orchestrator.spawn`).
 *
 * @example
 * taskInputSchema.parse({ description: 'Fix the failing test in src/date.ts', type: 'coding' });
 */
export const taskInputSchema = z.strictObject({
  /** The task itself, in words. */
  description: z
    .string()
    .trim()
    .min(1, { error: 'expected a non-empty task description' })
    .max(maxDescriptionChars, {
      error: (issue) =>
        `too long: ${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en-US') : '?'} characters; a task description holds at most ${maxDescriptionChars.toLocaleString('en-US')} (put large material in a file in the task's working directory and name it)`,
    }),
  /** Skip the CTO's guess of the type. */
  type: taskTypeSchema.optional(),
  /** Run on this model (no cost override); escalation still applies. */
  model: z.string().min(1).optional(),
  /** Working directory the worker's tools are confined to. */
  workdir: z.string().min(1).optional(),
  /** What the task's commands may reach (no network unless the configuration says otherwise). */
  network: networkAccessSchema.optional(),
  /** Where the task came from (a user, a project-management task …), kept for the record. */
  source: z.string().max(200).optional(),
  /** The ended task this one runs again (`cto retry`): a new chain of attempts, linked. */
  retryOf: z.string().min(1).max(100).optional(),
});
export type TaskInput = z.infer<typeof taskInputSchema>;

const toolTypes: ReadonlySet<TaskType> = new Set(['bash_command', 'coding', 'deployment']);

/** Whether work of this type needs tools (files, commands), so a text-only model cannot do it. */
export function needsTools(type: TaskType): boolean {
  return toolTypes.has(type);
}

/** Whether `model` may run a task of this classification (the capability invariant). */
export function canRun(model: ModelRef, classification: Pick<Classification, 'type'>): boolean {
  return !(needsTools(classification.type) && model.kind === 'text-only');
}

import { z } from 'zod';
import { httpUrlSchema } from './http-url-schema.js';

// The `task_sources` section of the configuration file: where work comes from besides the CLI
// and the library. See docs/plane.md.

const seconds = (min: number, max: number) =>
  z
    .number({ error: `expected a number of seconds from ${min} to ${max}` })
    .min(min, { error: `expected a number of seconds from ${min} to ${max}` })
    .max(max, { error: `expected a number of seconds from ${min} to ${max}` });

const names = z.array(z.string().trim().min(1)).min(1, { error: 'expected at least one name' });

/** Which work items are for the orchestrator: in one of these states, with one of these labels. */
export const planePickUpSchema = z.strictObject({
  /** State names (`Todo`); an item in another state is not picked up. */
  states: names.optional(),
  /** Label names (`cto`); when given, an item must carry one of them. */
  labels: names.optional(),
});

/** The states an item is moved to as its task goes; a state not given leaves the item where it is. */
export const planeMoveToSchema = z.strictObject({
  started: z.string().trim().min(1).nullable().optional(),
  done: z.string().trim().min(1).nullable().optional(),
  blocked: z.string().trim().min(1).nullable().optional(),
});

/** Labels that set a task's type or model for one item: `type:coding`, `model:sonnet`. */
export const planeOverridesSchema = z.strictObject({
  type_prefix: z.string().min(1).nullable().optional(),
  model_prefix: z.string().min(1).nullable().optional(),
});

/** Plane's webhook deliveries to `cto serve --http`. */
export const planeWebhookSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** The variable holding the webhook's secret (default `PLANE_WEBHOOK_SECRET`). */
  secret_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' })
    .optional(),
  /** How old a delivery's item change may be before it is refused as stale. */
  max_age_seconds: seconds(10, 86_400).optional(),
});

/**
 * `task_sources.plane`: a Plane workspace (Plane Cloud or self-hosted) whose work items become
 * tasks, and whose items hear back how they went.
 *
 * @example
 * planeSettingsSchema.parse({ workspace: 'acme', projects: ['WEB'] });
 */
export const planeSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** `https://api.plane.so` (Plane Cloud) or a self-hosted Plane's address. */
  base_url: httpUrlSchema.optional(),
  /** The workspace slug, as in the board's address: app.plane.so/<slug>/… */
  workspace: z.string().trim().min(1),
  /** Project identifiers (`WEB`) or ids. */
  projects: names,
  /** The variable holding the API key (default `PLANE_API_KEY`). */
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' })
    .optional(),
  /** A key file as the agents' (`{ "api_key": "…" }`, mode 600); default `~/agents/plane/config.json`. */
  key_file: z.string().min(1).optional(),
  pick_up: planePickUpSchema.optional(),
  move_to: planeMoveToSchema.optional(),
  overrides: planeOverridesSchema.optional(),
  poll_interval_seconds: seconds(1, 86_400).optional(),
  /** This process's requests a minute at most (Plane Cloud allows about 60 a key). */
  max_requests_per_minute: z
    .int({ error: 'expected an integer from 1 to 6000' })
    .min(1, { error: 'expected an integer from 1 to 6000' })
    .max(6000, { error: 'expected an integer from 1 to 6000' })
    .optional(),
  request_timeout_seconds: seconds(1, 600).optional(),
  webhook: planeWebhookSchema.optional(),
});
export type PlaneSettingsFile = z.infer<typeof planeSettingsSchema>;

export const taskSourcesSchema = z.strictObject({ plane: planeSettingsSchema.optional() });
export type TaskSourcesFile = z.infer<typeof taskSourcesSchema>;

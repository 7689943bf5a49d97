import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { ConfigEnvironment } from './config-environment.js';
import type { ConfigProblem } from './config-problem.js';
import { expandHome } from './expand-home.js';
import { parseJsonWithComments } from './parse-json-with-comments.js';
import { Secret } from './secret.js';
import type { PlaneSettingsFile } from './task-sources-schema.js';

/** `task_sources.plane` with every default filled in and its secrets read (never printable). */
export interface PlaneSettings {
  /** Without a trailing slash: `https://api.plane.so`. */
  baseUrl: string;
  workspace: string;
  projects: string[];
  apiKey: Secret;
  /** `env PLANE_API_KEY` or `file …`. */
  apiKeySource: string;
  pickUp: { states: string[] | null; labels: string[] | null };
  moveTo: { started: string | null; done: string | null; blocked: string | null };
  overrides: { typePrefix: string | null; modelPrefix: string | null };
  pollIntervalMs: number;
  maxRequestsPerMinute: number;
  requestTimeoutMs: number;
  webhook: { secret: Secret; secretSource: string; maxAgeMs: number } | null;
}

export const planeDefaults = {
  baseUrl: 'https://api.plane.so',
  apiKeyEnv: 'PLANE_API_KEY',
  keyFile: '~/agents/plane/config.json',
  webhookSecretEnv: 'PLANE_WEBHOOK_SECRET',
  pickUpStates: ['Todo'],
  moveTo: { started: 'In Progress', done: 'Done', blocked: null },
  overrides: { typePrefix: 'type:', modelPrefix: 'model:' },
  pollIntervalSeconds: 30,
  maxRequestsPerMinute: 50,
  requestTimeoutSeconds: 30,
  webhookMaxAgeSeconds: 300,
} as const;

const keyFileSchema = z.object({
  api_key: z.string().min(1).optional(),
  webhook_secret: z.string().min(1).optional(),
});

interface KeyFileRead {
  keys: z.infer<typeof keyFileSchema>;
  problems: ConfigProblem[];
  warnings: string[];
}

/** The agents-style key file: missing is no error (the environment may hold the key). */
function readKeyFile(path: string): KeyFileRead {
  const read: KeyFileRead = { keys: {}, problems: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      read.problems.push({ where: path, message: `cannot read the key file (${code})` });
    return read;
  }
  const parsed = parseJsonWithComments(text, path);
  if (!parsed.ok) return { ...read, problems: parsed.problems };
  const checked = keyFileSchema.safeParse(parsed.value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    read.problems.push({
      where: `${path}: ${issue?.path.join('.') || '(root)'}`,
      message: 'expected a non-empty string',
    });
    return read;
  }
  read.keys = checked.data;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    read.warnings.push(
      `${path} holds a Plane key and can be read by group or others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
    );
  }
  return read;
}

/**
 * Fills in `task_sources.plane` from its defaults, reads its key (the environment wins over the
 * key file) and its webhook secret, and checks what spans fields: a finished item's state is not
 * one that picks items up.
 *
 * @example
 * const { settings, problems } = resolvePlaneSettings(file.task_sources.plane, environment, dir);
 */
export function resolvePlaneSettings(
  file: PlaneSettingsFile,
  environment: ConfigEnvironment,
  baseDir: string,
): {
  settings: PlaneSettings | null;
  problems: ConfigProblem[];
  warnings: string[];
  keyFile: string;
} {
  const where = 'task_sources.plane';
  const keyFile = expandHome(file.key_file ?? planeDefaults.keyFile, environment.homeDir, baseDir);
  const read = readKeyFile(keyFile);
  const problems = [...read.problems];
  const keyEnv = file.api_key_env ?? planeDefaults.apiKeyEnv;
  const envKey = environment.env[keyEnv]?.trim();
  const apiKey = envKey || read.keys.api_key;
  if (!apiKey) {
    problems.push({
      where,
      message: `no API key: set ${keyEnv}, or "api_key" in ${keyFile} (Plane: Profile settings → Personal access tokens)`,
    });
  }
  const pickUp = {
    states: file.pick_up?.states ?? (file.pick_up?.labels ? null : [...planeDefaults.pickUpStates]),
    labels: file.pick_up?.labels ?? null,
  };
  const moveTo = {
    started:
      file.move_to?.started === undefined ? planeDefaults.moveTo.started : file.move_to.started,
    done: file.move_to?.done === undefined ? planeDefaults.moveTo.done : file.move_to.done,
    blocked: file.move_to?.blocked ?? planeDefaults.moveTo.blocked,
  };
  for (const end of ['done', 'blocked'] as const) {
    const state = moveTo[end];
    if (state && pickUp.states?.some((s) => s.toLowerCase() === state.toLowerCase())) {
      problems.push({
        where: `${where}.move_to.${end}`,
        message: `"${state}" is also a pick_up state: an item would be picked up again once its task ended`,
      });
    }
  }
  const webhookOn = file.webhook !== undefined && file.webhook.enabled !== false;
  const secretEnv = file.webhook?.secret_env ?? planeDefaults.webhookSecretEnv;
  const envSecret = environment.env[secretEnv]?.trim();
  const secret = envSecret || read.keys.webhook_secret;
  if (webhookOn && !secret) {
    problems.push({
      where: `${where}.webhook`,
      message: `no secret: set ${secretEnv}, or "webhook_secret" in ${keyFile} (the secret Plane shows when the webhook is made)`,
    });
  }
  if (problems.length > 0 || !apiKey) {
    return { settings: null, problems, warnings: read.warnings, keyFile };
  }
  const settings: PlaneSettings = {
    baseUrl: (file.base_url ?? planeDefaults.baseUrl).replace(/\/+$/, '').replace(/\/api\/v1$/, ''),
    workspace: file.workspace,
    projects: file.projects,
    apiKey: new Secret(apiKey),
    apiKeySource: envKey ? `env ${keyEnv}` : `file ${keyFile}`,
    pickUp,
    moveTo,
    overrides: {
      typePrefix:
        file.overrides?.type_prefix === undefined
          ? planeDefaults.overrides.typePrefix
          : file.overrides.type_prefix,
      modelPrefix:
        file.overrides?.model_prefix === undefined
          ? planeDefaults.overrides.modelPrefix
          : file.overrides.model_prefix,
    },
    pollIntervalMs: (file.poll_interval_seconds ?? planeDefaults.pollIntervalSeconds) * 1000,
    maxRequestsPerMinute: file.max_requests_per_minute ?? planeDefaults.maxRequestsPerMinute,
    requestTimeoutMs: (file.request_timeout_seconds ?? planeDefaults.requestTimeoutSeconds) * 1000,
    webhook:
      webhookOn && secret
        ? {
            secret: new Secret(secret),
            secretSource: envSecret ? `env ${secretEnv}` : `file ${keyFile}`,
            maxAgeMs: (file.webhook?.max_age_seconds ?? planeDefaults.webhookMaxAgeSeconds) * 1000,
          }
        : null,
  };
  return { settings, problems, warnings: read.warnings, keyFile };
}

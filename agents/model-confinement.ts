import { dirname, join } from 'node:path';
import type { NetworkAccess } from '../machines/network-access.js';
import type { TaskInput } from '../machines/task-types.js';
import type { EffectiveConfig } from '../src/config/effective-config.js';
import { expandHome } from '../src/config/expand-home.js';
import type { ResolvedModel } from '../src/config/resolved-model.js';
import { ModelCallError } from '../src/runtime/model-ports.js';
import { claudeEndpoint } from './claude-code-worker.js';
import { openSandbox, type SandboxState } from './sandbox/open-sandbox.js';
import type { Confinement } from './sandbox/run-confined.js';
import { sandboxEnvironment } from './sandbox/sandbox-environment.js';
import { systemMounts } from './sandbox/system-mounts.js';
import type { ProtectedPaths } from './sandbox/task-root.js';
import { createUnconfinedSandbox } from './sandbox/unconfined-sandbox.js';

/** Where keys and logins live in a home directory: never part of a task, never visible. */
const HOME_SECRETS = [
  'agents',
  '.ssh',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.gnupg',
  '.kube',
  '.docker',
  '.claude',
  '.netrc',
  '.git-credentials',
  '.pgpass',
];

export interface ModelConfinementOptions {
  config: () => EffectiveConfig;
  /** The orchestrator's environment (the source of the allowlisted variables). */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** The orchestrator's state directory: hidden from every task. */
  stateDir: string;
  /**
   * With no sandbox on this machine, run unconfined after one notice instead of refusing:
   * for `--simulate`, whose tool calls are the simulation's own.
   */
  unconfinedWithoutSandbox?: boolean;
  /** Hears one-line notices (running unconfined). */
  onNotice?: (line: string) => void;
}

/** How each model's processes are confined; see `createModelConfinement`. */
export interface ModelConfinement {
  /** For a tool-calling model's commands. Throws a `ModelCallError` when tools cannot run. */
  forTools(model: ResolvedModel, task: TaskInput): Promise<Confinement>;
  /** For the Claude Code CLI: its API endpoint is reachable unless the network is otherwise set. */
  forClaude(model: ResolvedModel, task: TaskInput | null): Promise<Confinement>;
  /** What confines tools here, as `cto status` shows it. */
  state(): Promise<SandboxState>;
}

/**
 * The sandbox of every process a model starts, with the settings of the moment: the
 * configuration is read at each call, so an edit applies to the next one. The network is the
 * task's if it names one, else the model's (`sandbox.models.<id>.network`), else
 * `sandbox.network`; a Claude Code session reaches its own API endpoint whatever they say.
 *
 * @example
 * const confinement = createModelConfinement({ config, env: process.env, home: homedir(), stateDir: '.cto' });
 * const tools = createToolWorker({ root, modelId: model.id, confinement: await confinement.forTools(model, task) });
 */
export function createModelConfinement(options: ModelConfinementOptions): ModelConfinement {
  const states = new Map<boolean, Promise<SandboxState>>();
  let noticed = false;

  /** Directories of agent configs (keys) met so far, wherever they are configured to be. */
  const agentDirs = new Set<string>();
  if (options.env.CTO_AGENTS_DIR)
    agentDirs.add(expandHome(options.env.CTO_AGENTS_DIR, options.home, options.home));

  function protect(): ProtectedPaths {
    const configured = Object.values(options.config().provider_endpoints)
      .map((endpoint) => endpoint.config_path)
      .filter((path): path is string => path !== undefined)
      .map((path) => dirname(expandHome(path, options.home, options.home)));
    return {
      home: options.home,
      secrets: [
        ...HOME_SECRETS.map((entry) => join(options.home, entry)),
        ...agentDirs,
        ...configured,
      ],
      hidden: [options.stateDir],
    };
  }

  function state(): Promise<SandboxState> {
    const enabled = options.config().sandbox.enabled;
    let opened = states.get(enabled);
    if (!opened) {
      opened = openSandbox({ enabled, protect, path: options.env.PATH });
      states.set(enabled, opened);
    }
    return opened;
  }

  async function confine(model: ResolvedModel, network: NetworkAccess): Promise<Confinement> {
    agentDirs.add(dirname(model.agent_config_path));
    const settings = options.config().sandbox;
    const current = await state();
    let sandbox = current.state === 'unavailable' ? null : current.sandbox;
    if (!sandbox && options.unconfinedWithoutSandbox) {
      if (!noticed) {
        noticed = true;
        options.onNotice?.(
          `notice: no sandbox here (${current.state === 'unavailable' ? current.reason : ''}); the simulation's tool calls run unconfined`,
        );
      }
      sandbox = createUnconfinedSandbox(protect);
    }
    if (!sandbox) {
      throw new ModelCallError(current.state === 'unavailable' ? current.reason : 'no sandbox', {
        transient: false,
      });
    }
    const readOnly = settings.read_only_paths.map((path) =>
      expandHome(path, options.home, options.home),
    );
    return {
      sandbox,
      env: sandboxEnvironment(
        { ...settings, read_only_paths: readOnly },
        options.env,
        systemMounts(options.home),
      ),
      network,
      limits: settings.limits,
      readOnly,
    };
  }

  function configured(model: ResolvedModel, task: TaskInput | null): NetworkAccess | undefined {
    return task?.network ?? options.config().sandbox.models[model.id]?.network;
  }

  return {
    forTools: (model, task) =>
      confine(model, configured(model, task) ?? options.config().sandbox.network),
    // The session always reaches its own API; anything else is what the settings allow.
    forClaude(model, task) {
      const chosen = configured(model, task) ?? options.config().sandbox.network;
      if (chosen === 'host') return confine(model, 'host');
      const endpoint = claudeEndpoint(model, options.env);
      return confine(model, { allow: [endpoint, ...(chosen === 'none' ? [] : chosen.allow)] });
    },
    state,
  };
}

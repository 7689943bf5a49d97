import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createModelPorts } from '../../agents/create-model-ports.js';
import { createModelConfinement } from '../../agents/model-confinement.js';
import type { SandboxState } from '../../agents/sandbox/open-sandbox.js';
import { type ConfigSource, createConfigSource } from '../config/config-source.js';
import { type Inspection, startInspection } from '../inspect/start-inspection.js';
import { createLogger, type Logger } from '../log/logger.js';
import {
  createOrchestrator,
  type Orchestrator,
  type OrchestratorOptions,
} from '../runtime/create-orchestrator.js';
import type { ModelPorts } from '../runtime/model-ports.js';
import { simulatedBudgets, startSimulation } from '../simulate/start-simulation.js';
import { defaultStorePath, openStore, sqliteFile } from '../store/open-store.js';
import { startTracing } from '../telemetry/start-tracing.js';
import { CleanupStack } from './cleanup-stack.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';

/** The options every command that runs tasks shares. */
export interface RuntimeOptions {
  config?: string;
  store?: string;
  simulate?: boolean;
  verbose?: boolean;
  /** `--inspect [port]`: the Stately inspector relay on localhost (port 8080 unless given). */
  inspect?: boolean | string;
}

export interface Runtime {
  orchestrator: Orchestrator;
  source: ConfigSource;
  logger: Logger;
  /** Where the log file, Claude Code's per-task dirs and (by default) the store live. */
  stateDir: string;
  logFile: string;
  /** The live inspector, when `--inspect` started one. */
  inspection: Inspection | null;
  /** Where tasks that name no working directory run (a scratch directory when simulating). */
  workdir: string;
  /** What confines the tools of this process (`cto status` shows it). */
  sandbox(): Promise<SandboxState>;
  /** False when a read-only command found no store yet at the default location. */
  storeExists: boolean;
  /** Stops the orchestrator and whatever the simulation started. */
  close(): Promise<void>;
}

/** Where simulated runs are stored unless a store is named: apart from real work and its budgets. */
export const simulatedStorePath = '.cto/simulated/state.db';

/** The store the user named (`--store`, `CTO_STORE`), if any. */
export function namedStore(io: CliIo, options: RuntimeOptions): string | undefined {
  return options.store ?? io.env.CTO_STORE;
}

/** Whether this command runs against the local stand-ins (`--simulate` or `CTO_SIMULATE=1`). */
export function simulating(io: CliIo, options: RuntimeOptions): boolean {
  return options.simulate === true || io.env.CTO_SIMULATE === '1';
}

/**
 * The store location in effect: `--store`, else `CTO_STORE`, else `./.cto/state.db`; when
 * simulating, `./.cto/simulated/state.db`, so that simulated tasks never count against the
 * real daily budgets nor show among real tasks.
 */
export function storeLocation(io: CliIo, options: RuntimeOptions): string {
  return (
    namedStore(io, options) ?? (simulating(io, options) ? simulatedStorePath : defaultStorePath)
  );
}

/** The inspector's port: `--inspect` alone means 8080. */
function inspectorPort(value: boolean | string): number {
  if (value === true) return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ExitCode(1, [`--inspect: expected a port from 1 to 65535, got ${String(value)}`]);
  }
  return port;
}

/** The state directory: the SQLite file's directory, else `./.cto`. */
export function stateDirectory(io: CliIo, options: RuntimeOptions): string {
  const file = sqliteFile(storeLocation(io, options), io.cwd);
  return file ? dirname(file) : resolve(io.cwd, '.cto');
}

/** What a command asks of the runtime besides the shared options. */
export interface RuntimeOverrides {
  ports?: ModelPorts;
  onProgress?: OrchestratorOptions['onProgress'];
  onChange?: OrchestratorOptions['onChange'];
  /** For commands that call no model (`submit`, `status`): no local servers are started. */
  noModelCalls?: boolean;
  /**
   * For commands that only look (`status`, `perf`, `replay`): the store is opened read-only
   * and must exist, and nothing is created: no state directory, no log file.
   */
  readOnly?: boolean;
  /** How long this process's leases on tasks last unless renewed (`cto serve --lease`). */
  leaseMs?: number;
}

/**
 * Says once, before any task, when tools will run unconfined (turned off) or not at all (no
 * sandbox on this machine): every run that could hand a model a shell says so.
 */
async function warnUnlessConfined(io: CliIo, state: Promise<SandboxState>): Promise<void> {
  const current = await state;
  if (current.state === 'off') io.stderr(`cto: warning: sandbox ${current.description}\n`);
  if (current.state === 'unavailable') {
    io.stderr(`cto: warning: ${current.reason}; tasks that need tools will not run\n`);
  }
}

/**
 * Everything a task-running command needs: the live configuration, the store, the log file,
 * the real model transports (or, with `--simulate` / `CTO_SIMULATE=1`, the local protocol
 * servers standing in for every provider) and the orchestrator on top. What it opens is
 * closed again if a later step fails (a bad store, a port in use), so a command that fails
 * here ends at once instead of leaving a server that keeps the process alive.
 *
 * @example
 * const runtime = await openRuntime(io, program.opts());
 * try { … } finally { await runtime.close(); }
 */
export async function openRuntime(
  io: CliIo,
  options: RuntimeOptions,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const cleanup = new CleanupStack();
  try {
    return await openParts(io, options, overrides, cleanup);
  } catch (error) {
    await cleanup.closeAll();
    throw error;
  }
}

async function openParts(
  io: CliIo,
  options: RuntimeOptions,
  overrides: RuntimeOverrides,
  cleanup: CleanupStack,
): Promise<Runtime> {
  const readOnly = overrides.readOnly === true;
  const stateDir = stateDirectory(io, options);
  if (!readOnly) mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logFile = join(stateDir, 'cto.log');
  const logger = createLogger(readOnly ? {} : { file: logFile, verbose: options.verbose });
  let source: ConfigSource = createConfigSource({
    environment: () => io,
    file: options.config,
    logger,
  });
  source.current(); // a configuration that never loaded is an error now, not at the first task
  // The store first: a store that cannot be opened stops the command before anything starts.
  const location = storeLocation(io, options);
  // Looking at the default store before any task made it is no error: it is empty.
  const file = sqliteFile(location, io.cwd);
  const notYet =
    readOnly && !namedStore(io, options) && file !== null && file !== '' && !existsSync(file);
  const store = notYet ? openStore(':memory:', io.cwd) : openStore(location, io.cwd, { readOnly });
  cleanup.push('the store', () => store.close());
  const simulation =
    simulating(io, options) && !overrides.noModelCalls && !readOnly
      ? await startSimulation()
      : null;
  if (simulation) cleanup.push('the local model servers', () => simulation.close());
  // Simulated workers edit files: in a scratch directory unless a task names its own, the same
  // one for every process, so that a resumed task finds what it wrote before.
  const workdir = simulation ? join(stateDir, 'work') : io.cwd;
  if (simulation) mkdirSync(workdir, { recursive: true });
  if (simulation) source = simulation.configure(source);
  else if (simulating(io, options)) source = simulatedBudgets(source);
  const env = { ...io.env, ...simulation?.env };
  const confinement = createModelConfinement({
    config: () => source.current().config,
    env,
    home: io.homeDir,
    stateDir,
    // The simulation's tool calls are its own: without a sandbox they may run unconfined.
    unconfinedWithoutSandbox: simulation !== null,
    onNotice: (line) => io.stderr(`cto: ${line}\n`),
  });
  if (!overrides.noModelCalls && !simulation) await warnUnlessConfined(io, confinement.state());
  const ports =
    overrides.ports ??
    createModelPorts({
      config: () => source.current().config,
      stateDir,
      cwd: workdir,
      env,
      homeDir: io.homeDir,
      confinement,
    });
  const inspection = options.inspect
    ? await startInspection({ port: inspectorPort(options.inspect) })
    : null;
  if (inspection) {
    cleanup.push('the inspector', () => inspection.stop());
    io.stderr(`inspector: open ${inspection.url} to watch every actor\n`);
  }
  const tracing = startTracing(io.env, (why) => io.stderr(`cto: ${why}\n`));
  if (tracing) cleanup.push('tracing', () => tracing.shutdown());
  const orchestrator = createOrchestrator({
    ports,
    config: source,
    store,
    cwd: io.cwd,
    logger,
    onProgress: overrides.onProgress,
    onChange: overrides.onChange,
    ...(overrides.leaseMs ? { leaseMs: overrides.leaseMs } : {}),
    // A name for this process in its leases, where host and pid do not tell processes apart.
    ...(io.env.CTO_OWNER?.trim() ? { owner: io.env.CTO_OWNER.trim() } : {}),
    ...(inspection ? { inspect: inspection.inspect } : {}),
    ...(tracing ? { tracer: tracing.tracer } : {}),
  });
  cleanup.push('the orchestrator', () => orchestrator.stop());
  let closing: Promise<void> | null = null;
  return {
    orchestrator,
    source,
    logger,
    stateDir,
    logFile,
    workdir,
    inspection,
    sandbox: () => confinement.state(),
    storeExists: !notYet,
    close() {
      // A signal handler and the command's own `finally` may both close: once is enough.
      closing ??= cleanup.closeAll().then((failures) => {
        for (const failure of failures) io.stderr(`cto: while closing ${failure}\n`);
      });
      return closing;
    },
  };
}

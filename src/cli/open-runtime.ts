import { mkdirSync } from 'node:fs';
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
import { startSimulation } from '../simulate/start-simulation.js';
import { defaultStorePath, sqliteFile } from '../store/open-store.js';
import { startTracing } from '../telemetry/start-tracing.js';
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
  /** Stops the orchestrator and whatever the simulation started. */
  close(): Promise<void>;
}

/** Where simulated runs are stored unless a store is named: apart from real work and its budgets. */
export const simulatedStorePath = '.cto/simulated/state.db';

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
    options.store ??
    io.env.CTO_STORE ??
    (simulating(io, options) ? simulatedStorePath : defaultStorePath)
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
 * servers standing in for every provider) and the orchestrator on top.
 *
 * @example
 * const runtime = await openRuntime(io, program.opts());
 * try { … } finally { await runtime.close(); }
 */
export async function openRuntime(
  io: CliIo,
  options: RuntimeOptions,
  overrides: {
    ports?: ModelPorts;
    onProgress?: OrchestratorOptions['onProgress'];
    onChange?: OrchestratorOptions['onChange'];
    /** For commands that call no model (`submit`, `status`): no local servers are started. */
    noModelCalls?: boolean;
    /** How long this process's leases on tasks last unless renewed (`cto serve --lease`). */
    leaseMs?: number;
  } = {},
): Promise<Runtime> {
  const stateDir = stateDirectory(io, options);
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'cto.log');
  const logger = createLogger({ file: logFile, verbose: options.verbose });
  let source: ConfigSource = createConfigSource({
    environment: () => io,
    file: options.config,
    logger,
  });
  source.current(); // a configuration that never loaded is an error now, not at the first task
  const simulation =
    simulating(io, options) && !overrides.noModelCalls ? await startSimulation() : null;
  // Simulated workers edit files: in a scratch directory unless a task names its own, the same
  // one for every process, so that a resumed task finds what it wrote before.
  const workdir = simulation ? join(stateDir, 'work') : io.cwd;
  if (simulation) mkdirSync(workdir, { recursive: true });
  if (simulation) source = simulation.configure(source);
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
  if (inspection) io.stderr(`inspector: open ${inspection.url} to watch every actor\n`);
  const tracing = startTracing(io.env);
  // Given as a location, the store is the orchestrator's to open and to close.
  const orchestrator = createOrchestrator({
    ports,
    config: source,
    store: storeLocation(io, options),
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
  return {
    orchestrator,
    source,
    logger,
    stateDir,
    logFile,
    workdir,
    inspection,
    sandbox: () => confinement.state(),
    async close() {
      await orchestrator.stop();
      await tracing?.shutdown();
      inspection?.stop();
      await simulation?.close();
    },
  };
}

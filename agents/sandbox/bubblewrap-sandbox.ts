import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { type BubblewrapPlan, bubblewrapArgs } from './bubblewrap-args.js';
import { isWithin } from './is-within.js';
import { launchCommand, seccompProgramFile } from './launch-command.js';
import { type Forwarding, startForwarding } from './network-forwarding.js';
import { withLimits } from './process-limits.js';
import {
  type PreparedCommand,
  SANDBOX_HOME,
  type Sandbox,
  type SandboxCommand,
} from './sandbox.js';
import { createSandboxCgroup } from './sandbox-cgroup.js';
import { systemMounts } from './system-mounts.js';
import { checkTaskRoot, type ProtectedPaths } from './task-root.js';

export interface BubblewrapSandboxOptions {
  /** The `bwrap` executable. */
  bwrap: string;
  /** Read at every command: the paths to keep from it may grow as models are met. */
  protect: () => ProtectedPaths;
  /** The Node.js that runs the network forwarder inside (the orchestrator's own by default). */
  nodePath?: string;
}

const MIB = 1024 * 1024;

function existing(paths: readonly string[]): string[] {
  return paths.filter((path) => existsSync(path)).map((path) => realpathSync(path));
}

function entryOf(path: string): { path: string; directory: boolean } {
  return { path, directory: statSync(path).isDirectory() };
}

/** The file /etc/resolv.conf points to, when it is a link to a place the sandbox lacks. */
function resolvConf(): string | undefined {
  try {
    if (!lstatSync('/etc/resolv.conf').isSymbolicLink()) return undefined;
    return realpathSync('/etc/resolv.conf');
  } catch {
    return undefined;
  }
}

/**
 * The Linux sandbox: each command runs under bubblewrap in new user, mount, pid, network, ipc
 * and uts namespaces (see `bubblewrapArgs` for what it sees), with per-process limits
 * (`withLimits`), a seccomp program (`seccompFilter`), and as root in cgroups of its own that
 * cap its processes and memory (`createSandboxCgroup`). With an allow list, the command
 * reaches exactly those hosts through forwarders (`startForwarding`).
 *
 * @example
 * const sandbox = createBubblewrapSandbox({ bwrap: '/usr/bin/bwrap', protect: () => ({ home: homedir(), secrets: [], hidden: ['/work/repo/.cto'] }) });
 */
export function createBubblewrapSandbox(options: BubblewrapSandboxOptions): Sandbox {
  const nodePath = options.nodePath ?? process.execPath;
  return {
    kind: 'bubblewrap',
    protect: options.protect,
    async prepare(command: SandboxCommand): Promise<PreparedCommand> {
      const protect = options.protect();
      const root = checkTaskRoot(command.root, protect);
      const system = systemMounts(protect.home);
      const readOnly = existing(command.readOnly ?? []);
      const secrets = existing([protect.home, ...protect.secrets]);
      const hidden = existing([...protect.secrets, ...protect.hidden])
        .filter((path) => path !== root && isWithin(path, root))
        .map(entryOf);
      // A read-only mount that happens to hold the home or a key directory does not show it.
      const protectedInMounts = secrets
        .filter((path) => [...system.readOnly, ...readOnly].some((dir) => isWithin(path, dir)))
        .map(entryOf);
      let forwarding: Forwarding | undefined;
      const network = command.network;
      if (typeof network === 'object') forwarding = await startForwarding(network.allow, nodePath);
      const seccomp = seccompProgramFile();
      const plan: BubblewrapPlan = {
        system,
        root,
        hidden,
        writable: command.writable ?? [],
        readOnly,
        network: forwarding ? 'forwarded' : network === 'host' ? 'host' : 'none',
        forwardDir: forwarding?.dir,
        hostsFile: forwarding?.hostsFile,
        resolvConf: network === 'host' ? resolvConf() : undefined,
        rootInside: forwarding !== undefined && process.getuid?.() !== 0,
        seccomp: seccomp !== null,
        tmpBytes: command.limits.tmp_mb * MIB,
        protectedInMounts,
      };
      let inside = withLimits(command.file, command.args, command.limits);
      let env: Record<string, string> = { ...command.env, HOME: SANDBOX_HOME };
      if (forwarding) {
        const started = forwarding.wrap(inside.file, inside.args);
        inside = started;
        env = { ...env, ...started.env };
      }
      const cgroup = createSandboxCgroup({
        processes: command.limits.processes,
        memoryBytes: command.limits.memory_mb * MIB,
      });
      const launch = launchCommand({
        procs: cgroup?.procs ?? [],
        seccomp,
        file: options.bwrap,
        args: [...bubblewrapArgs(plan, existsSync), '--', inside.file, ...inside.args],
      });
      return {
        ...launch,
        env,
        async dispose() {
          // The sandbox has ended (its pid namespace with it): its cgroup is removed meanwhile,
          // without holding up the command's result.
          void cgroup?.dispose();
          await forwarding?.close();
        },
      };
    },
  };
}

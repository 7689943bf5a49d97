import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { type BubblewrapPlan, bubblewrapArgs } from './bubblewrap-args.js';
import { type Forwarding, startForwarding } from './network-forwarding.js';
import { createPidsCgroup } from './pids-cgroup.js';
import { withLimits } from './process-limits.js';
import {
  type PreparedCommand,
  SANDBOX_HOME,
  type Sandbox,
  type SandboxCommand,
} from './sandbox.js';
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

function existing(paths: readonly string[]): string[] {
  return paths.filter((path) => existsSync(path)).map((path) => realpathSync(path));
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
 * (`withLimits`), and as root in a pids cgroup of its own. With an allow list, the command
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
      const hidden = existing([...protect.secrets, ...protect.hidden])
        .filter((path) => path !== root && path.startsWith(`${root}/`))
        .map((path) => ({ path, directory: statSync(path).isDirectory() }));
      let forwarding: Forwarding | undefined;
      const network = command.network;
      if (typeof network === 'object') forwarding = await startForwarding(network.allow, nodePath);
      const plan: BubblewrapPlan = {
        system: systemMounts(),
        root,
        hidden,
        writable: command.writable ?? [],
        readOnly: existing(command.readOnly ?? []),
        network: forwarding ? 'forwarded' : network === 'host' ? 'host' : 'none',
        forwardDir: forwarding?.dir,
        hostsFile: forwarding?.hostsFile,
        resolvConf: network === 'host' ? resolvConf() : undefined,
        rootInside: forwarding !== undefined && process.getuid?.() !== 0,
      };
      let inside = withLimits(command.file, command.args, command.limits);
      let env: Record<string, string> = { ...command.env, HOME: SANDBOX_HOME };
      if (forwarding) {
        const started = forwarding.wrap(inside.file, inside.args);
        inside = started;
        env = { ...env, ...started.env };
      }
      const bwrapArgs = [...bubblewrapArgs(plan), '--', inside.file, ...inside.args];
      const cgroup = createPidsCgroup(command.limits.processes);
      const outer = cgroup
        ? cgroup.wrap(options.bwrap, bwrapArgs)
        : { file: options.bwrap, args: bwrapArgs };
      return {
        ...outer,
        env,
        async dispose() {
          await Promise.all([forwarding?.close(), cgroup?.dispose()]);
        },
      };
    },
  };
}

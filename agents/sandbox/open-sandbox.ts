import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaultConfig } from '../../src/config/default-config.js';
import { findOnPath, isExecutable } from '../find-executable.js';
import { oneLine } from '../short-text.js';
import { createBubblewrapSandbox } from './bubblewrap-sandbox.js';
import type { Sandbox } from './sandbox.js';
import { createSeatbeltSandbox } from './seatbelt-sandbox.js';
import type { ProtectedPaths } from './task-root.js';
import { createUnconfinedSandbox } from './unconfined-sandbox.js';

/** What confines the tools of this process, as `cto status` shows it. */
export type SandboxState =
  | { state: 'confined'; sandbox: Sandbox; description: string }
  | { state: 'off'; sandbox: Sandbox; description: string }
  | { state: 'unavailable'; reason: string };

export interface OpenSandboxOptions {
  /** `sandbox.enabled` from the configuration. */
  enabled: boolean;
  protect: () => ProtectedPaths;
  platform?: NodeJS.Platform;
  /** The PATH to look for `bwrap` on (the orchestrator's own by default). */
  path?: string;
}

const INSTALL_HINT =
  'install bubblewrap (Debian and Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)';

const probes = new Map<string, Promise<string | null>>();

/** Runs `true` in a real sandbox once per bwrap: null when it works, else why not. */
function probeBubblewrap(bwrap: string, protect: () => ProtectedPaths): Promise<string | null> {
  let probe = probes.get(bwrap);
  if (!probe) {
    probe = (async () => {
      const root = mkdtempSync(join(tmpdir(), 'cto-probe-'));
      try {
        const prepared = await createBubblewrapSandbox({ bwrap, protect }).prepare({
          file: '/bin/true',
          args: [],
          root,
          env: {},
          network: 'none',
          limits: defaultConfig().sandbox.limits,
        });
        const result = await execa(prepared.file, prepared.args, {
          env: prepared.env,
          extendEnv: false,
          reject: false,
          stdin: 'ignore',
          timeout: 10_000,
        });
        await prepared.dispose();
        if (result.exitCode === 0) return null;
        const said = oneLine(String(result.stderr || result.shortMessage));
        return `bubblewrap (${bwrap}) cannot make a sandbox here: ${said}; where unprivileged user namespaces are restricted (Ubuntu 24.04 and later), see docs/security.md`;
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    })();
    probes.set(bwrap, probe);
  }
  return probe;
}

async function bubblewrapVersion(bwrap: string): Promise<string> {
  const result = await execa(bwrap, ['--version'], { reject: false, timeout: 5_000 });
  return String(result.stdout).trim() || 'bubblewrap';
}

/**
 * Finds what will confine this process's tools: bubblewrap on Linux (tried once with a real
 * sandbox, so a kernel that refuses user namespaces is found out before any task), sandbox-exec
 * on macOS. With `sandbox.enabled: false` the tools run unconfined, and the state says so.
 *
 * @example
 * const state = await openSandbox({ enabled: true, protect });
 * if (state.state === 'unavailable') console.error(state.reason);
 */
export async function openSandbox(options: OpenSandboxOptions): Promise<SandboxState> {
  if (!options.enabled) {
    return {
      state: 'off',
      sandbox: createUnconfinedSandbox(options.protect),
      description:
        'off (sandbox.enabled is false): tool commands run unconfined, with your permissions',
    };
  }
  const platform = options.platform ?? process.platform;
  if (platform === 'darwin') {
    if (!isExecutable('/usr/bin/sandbox-exec')) {
      return {
        state: 'unavailable',
        reason: 'tools need a sandbox: /usr/bin/sandbox-exec is missing',
      };
    }
    return {
      state: 'confined',
      sandbox: createSeatbeltSandbox({ protect: options.protect }),
      description: 'sandbox-exec (macOS Seatbelt)',
    };
  }
  if (platform !== 'linux') {
    return {
      state: 'unavailable',
      reason: `tools need a sandbox, and there is none for ${platform}: use Linux (bubblewrap) or macOS`,
    };
  }
  const bwrap = findOnPath('bwrap', options.path ?? process.env.PATH);
  if (!bwrap) return { state: 'unavailable', reason: `tools need a sandbox: ${INSTALL_HINT}` };
  const failure = await probeBubblewrap(bwrap, options.protect);
  if (failure) return { state: 'unavailable', reason: failure };
  return {
    state: 'confined',
    sandbox: createBubblewrapSandbox({ bwrap, protect: options.protect }),
    description: await bubblewrapVersion(bwrap),
  };
}

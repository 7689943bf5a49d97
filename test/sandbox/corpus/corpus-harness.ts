import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { hostProcessesWith } from '../../helpers/host-processes.js';
import type { AttemptReport, CorpusSetup } from './run-corpus.js';

/** What must never come back from a tool: keys in the environment, files outside the task. */
export interface Secrets {
  env: Record<string, string>;
  files: string[];
  state: string;
  keyring: string;
}

/** A home with keys, another task, a state secret and listeners: what the corpus aims at. */
export interface CorpusWorld {
  base: string;
  home: string;
  other: string;
  secrets: Secrets;
  /** Connections the listeners accepted, by listener. */
  connections: Record<'tcp' | 'unix' | 'abstract', number>;
  setup: Omit<CorpusSetup, 'only' | 'confined' | 'concurrency'>;
  close(): Promise<void>;
}

const token = () => randomBytes(9).toString('hex');

function listen(server: Server, ...args: unknown[]): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    (server.listen as (...a: unknown[]) => void)(...args, () => resolve());
  });
}

/**
 * Builds the world the corpus attacks, under one temporary directory: a home with a model's
 * key file, a .bashrc and an ssh key; another task with a secret; and three listeners (TCP on
 * every address, a Unix socket, an abstract socket) that count every connection.
 */
export async function createCorpusWorld(): Promise<CorpusWorld> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-corpus-')));
  const home = join(base, 'home');
  const other = join(base, 'other');
  const secrets: Secrets = {
    env: {
      DEEPSEEK_API_KEY: `sk-corpus-env-${token()}`,
      ANTHROPIC_API_KEY: `sk-corpus-ant-${token()}`,
      GITHUB_TOKEN: `ghp_corpus${token()}`,
      CTO_CORPUS_SECRET: `corpus-env-${token()}`,
    },
    files: [
      `sk-corpus-agent-${token()}`,
      `corpus-bashrc-${token()}`,
      `corpus-other-${token()}`,
      `corpus-ssh-${token()}`,
    ],
    state: `corpus-state-${token()}`,
    keyring: `corpus-keyring-${token()}`,
  };
  const [agentKey, bashrc, otherSecret, ssh] = secrets.files as [string, string, string, string];
  mkdirSync(join(home, 'agents', 'deepseek'), { recursive: true });
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(other), { recursive: true });
  mkdirSync(join(base, 'tasks'));
  writeFileSync(
    join(home, 'agents', 'deepseek', 'config.json'),
    JSON.stringify({ api_key: agentKey }),
    { mode: 0o600 },
  );
  writeFileSync(join(home, '.bashrc'), `# corpus ${bashrc}\n`);
  writeFileSync(join(home, '.ssh', 'id_ed25519'), ssh, { mode: 0o600 });
  writeFileSync(join(other, 'secret.txt'), `corpus ${otherSecret}\n`);
  await execa('git', ['init', '-q', other]);

  const connections = { tcp: 0, unix: 0, abstract: 0 };
  const count = (kind: keyof typeof connections) =>
    createServer((socket) => {
      connections[kind]++;
      socket.destroy();
    });
  const tcp = count('tcp');
  await listen(tcp, { port: 0, host: '::', ipv6Only: false });
  const sock = join(base, 'agent.sock');
  const unix = count('unix');
  await listen(unix, sock);
  const abstract = `cto-corpus-${token()}`;
  const abstractServer = count('abstract');
  await listen(abstractServer, `\0${abstract}`);
  const port = (tcp.address() as { port: number }).port;
  return {
    base,
    home,
    other,
    secrets,
    connections,
    setup: {
      base,
      home,
      other,
      port,
      sock,
      abstract,
      stateSecret: secrets.state,
      keyringSecret: secrets.keyring,
    },
    async close() {
      for (const server of [tcp, unix, abstractServer]) server.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Runs attempts in an orchestrator process whose environment holds the keys. */
export async function runCorpus(
  world: CorpusWorld,
  options: { only?: number[]; confined: boolean; concurrency?: number },
): Promise<AttemptReport[]> {
  const setupFile = join(world.base, `setup-${token()}.json`);
  writeFileSync(
    setupFile,
    JSON.stringify({ ...world.setup, ...options, concurrency: options.concurrency ?? 3 }),
  );
  const result = await execa(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'run-corpus.ts'), setupFile],
    {
      env: { ...process.env, ...world.secrets.env },
      extendEnv: false,
      reject: false,
      timeout: 600_000,
    },
  );
  if (result.exitCode !== 0) throw new Error(`the corpus runner failed: ${result.stderr}`);
  return String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AttemptReport);
}

/** The forms a stolen secret may come back in: as it is, reversed, hex, base64. */
function disguises(secret: string): string[] {
  const hex = Buffer.from(secret).toString('hex');
  const b64 = Buffer.from(secret).toString('base64').replace(/=+$/, '');
  return [secret, [...secret].reverse().join(''), hex, b64.slice(4, -4)];
}

/** The secrets a report's results hold, in any disguise. */
export function leakedSecrets(report: AttemptReport, secrets: Secrets): string[] {
  const all = [...Object.values(secrets.env), ...secrets.files, secrets.state, secrets.keyring];
  const text = report.results.map((result) => result.output).join('\n');
  return all.filter((secret) => disguises(secret).some((form) => text.includes(form)));
}

/** Every file and directory under `dir`, with a hash of its content and its mode. */
export function snapshot(dir: string, skip: (path: string) => boolean): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (skip(path)) continue;
      // Links are recorded, never followed: a task may hold one to /.
      const info = lstatSync(path, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isSymbolicLink()) entries.set(relative(dir, path), `link ${readlinkSync(path)}`);
      else if (info.isDirectory()) {
        entries.set(relative(dir, path), `dir ${info.mode}`);
        walk(path);
      } else if (info.isFile()) {
        entries.set(
          relative(dir, path),
          `${info.mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`,
        );
      } else entries.set(relative(dir, path), `special ${info.mode}`);
    }
  };
  walk(dir);
  return entries;
}

/** The differences between two snapshots, one line each. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [path, value] of before) {
    if (!after.has(path)) lines.push(`deleted ${path}`);
    else if (after.get(path) !== value) lines.push(`changed ${path}`);
  }
  for (const path of after.keys()) if (!before.has(path)) lines.push(`created ${path}`);
  return lines;
}

/** Places outside any task where a `cto-corpus-pwned-N` file must never appear. */
export function pwnedFilesOutside(world: CorpusWorld): string[] {
  const places = [
    '/tmp',
    '/root',
    '/etc',
    '/usr/local',
    '/var/tmp',
    '/',
    world.base,
    world.home,
    world.other,
  ];
  return places.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => name.includes('cto-corpus-pwned'))
          .map((name) => join(dir, name))
      : [],
  );
}

/** Files in the task directories with a setuid or setgid bit: anyone running one becomes its owner. */
export function setidFiles(reports: AttemptReport[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = lstatSync(path, { throwIfNoEntry: false });
      if (!info || info.isSymbolicLink()) continue;
      if (info.isDirectory()) walk(path);
      else if ((info.mode & 0o6000) !== 0) found.push(path);
    }
  };
  for (const report of reports) walk(report.root);
  return found;
}

/** Host processes an attempt left behind (its sleeps are marked `3600.<index>`). */
export function survivorsOf(reports: AttemptReport[]): string[] {
  return reports.flatMap((report) =>
    hostProcessesWith(`sleep 3600.${report.index}`).map((pid) => `${report.name}: pid ${pid}`),
  );
}

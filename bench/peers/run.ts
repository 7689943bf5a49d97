// `npm run bench:peers`: the lifecycle task run by this runtime and by two peers, alternately,
// each in a fresh process, for several rounds; prints every round and the ratios against the
// targets. The peers' packages live in bench/peers/package.json and are installed here, on
// first use or when their lockfile changes, never by the project's own `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Contestant, contestants, type Round, roundLine, summarize } from './summary.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const installedMark = join(here, 'node_modules', '.installed-lock-sha256');

/** Runs `npm ci` for the peers when their lockfile is not what was last installed. */
function ensurePeersInstalled(): void {
  const wanted = createHash('sha256')
    .update(readFileSync(join(here, 'package-lock.json')))
    .digest('hex');
  if (existsSync(installedMark) && readFileSync(installedMark, 'utf8') === wanted) return;
  console.log('installing the peers (npm ci --prefix bench/peers)…');
  const install = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
  if (install.status !== 0) throw new Error('npm ci --prefix bench/peers failed');
  writeFileSync(installedMark, wanted);
}

/** Builds the package ours runs from (dist/), so it measures the sources as they are now. */
function buildOurs(): void {
  console.log('building ours (npm run build)…');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed: ours cannot be measured');
}

const files: Record<Contestant, string> = {
  ours: join(here, 'ours.ts'),
  'bare-xstate': join(here, 'bare-xstate.ts'),
  langgraph: join(here, 'langgraph.ts'),
};

/** One contestant in a process of its own; its tasks/s, or null (with a line why) if it failed. */
function runContestant(name: Contestant, timeoutMs: number): number | null {
  const child = spawnSync(process.execPath, ['--import', 'tsx', files[name]], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 * 2 ** 20,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status === 0 && last.startsWith('{')) {
    const { tasksPerSecond } = JSON.parse(last) as { tasksPerSecond: number };
    return tasksPerSecond;
  }
  const why =
    child.error?.message ??
    child.stderr
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /^\w*Error\b/.test(line)) ??
    `exit ${child.status ?? child.signal}`;
  console.log(`  ${name} failed: ${why}`);
  return null;
}

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
}

ensurePeersInstalled();
buildOurs();
const rounds = setting('BENCH_PEER_ROUNDS', 5);
const timeoutMs = setting('BENCH_PEER_TIMEOUT_MS', 600_000);
const order = Object.keys(contestants) as Contestant[];
console.log(
  `peer bench: ${rounds} rounds of ${process.env.BENCH_PEER_SECONDS ?? 8} s per contestant, ` +
    `${process.env.BENCH_PEER_IN_FLIGHT ?? 50} in flight, each contestant in a fresh process; ` +
    `load average ${loadavg()[0]?.toFixed(1)} on entry`,
);
const results: Round[] = [];
for (let r = 0; r < rounds; r += 1) {
  // Each round starts with the next contestant, so none always runs first (or last).
  const round = { ours: null, 'bare-xstate': null, langgraph: null } as Round;
  for (let i = 0; i < order.length; i += 1) {
    const name = order[(r + i) % order.length] as Contestant;
    round[name] = runContestant(name, timeoutMs);
  }
  results.push(round);
  console.log(roundLine(r + 1, round));
}
for (const line of summarize(results)) console.log(line);
console.log(`load average ${loadavg()[0]?.toFixed(1)} on exit`);

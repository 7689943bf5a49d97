// What the sandbox adds to a command: the same command run through the same runner, with and
// without bubblewrap, alternately (so both see the same load), many times. Prints the median
// and p99 of each and what confinement adds, for `true` and for a small script.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findOnPath } from '../agents/find-executable.js';
import { createBubblewrapSandbox } from '../agents/sandbox/bubblewrap-sandbox.js';
import { type Confinement, runConfined } from '../agents/sandbox/run-confined.js';
import { sandboxEnvironment } from '../agents/sandbox/sandbox-environment.js';
import { createUnconfinedSandbox } from '../agents/sandbox/unconfined-sandbox.js';
import { defaultConfig } from '../src/config/default-config.js';

const runs = Number(process.argv[2] ?? 200);
const base = realpathSync(mkdtempSync(join(tmpdir(), 'cto-bench-sandbox-')));
const root = join(base, 'task');
const home = join(base, 'home');
mkdirSync(root);
mkdirSync(home);
const bwrap = findOnPath('bwrap', process.env.PATH);
if (!bwrap) {
  console.error('bench:sandbox needs bubblewrap: apt-get install bubblewrap');
  process.exit(1);
}
const protect = () => ({ home, secrets: [], hidden: [] });
const shared = {
  env: sandboxEnvironment({ env: {}, pass_env: [], read_only_paths: [] }, process.env),
  network: 'none' as const,
  limits: defaultConfig().sandbox.limits,
  readOnly: [],
};
const confined: Confinement = { ...shared, sandbox: createBubblewrapSandbox({ bwrap, protect }) };
const unconfined: Confinement = { ...shared, sandbox: createUnconfinedSandbox(protect) };

const commands: [string, string][] = [
  ['true', 'true'],
  [
    'small script',
    'for i in 1 2 3; do echo "$i" > out.txt; done; cat out.txt | wc -l; ls -la > /dev/null',
  ],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function time(confinement: Confinement, script: string): Promise<number> {
  const started = performance.now();
  const outcome = await runConfined(confinement, {
    file: 'bash',
    args: ['-c', script],
    root,
    timeoutMs: 30_000,
  });
  if (outcome.exitCode !== 0)
    throw new Error(`the command failed: ${outcome.output || outcome.startError}`);
  return performance.now() - started;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
for (const [name, script] of commands) {
  const plain: number[] = [];
  const sandboxed: number[] = [];
  for (let i = 0; i < 5; i++) await time(confined, script); // warm caches
  for (let i = 0; i < runs; i++) {
    plain.push(await time(unconfined, script));
    sandboxed.push(await time(confined, script));
  }
  const added = sandboxed.map((value, i) => value - (plain[i] as number)).sort((a, b) => a - b);
  plain.sort((a, b) => a - b);
  sandboxed.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(13)} ${runs} runs each: unconfined median ${ms(percentile(plain, 50))} p99 ${ms(percentile(plain, 99))}; ` +
      `in the sandbox median ${ms(percentile(sandboxed, 50))} p99 ${ms(percentile(sandboxed, 99))}; ` +
      `added median ${ms(percentile(added, 50))} p99 ${ms(percentile(added, 99))} (target: under 30 ms median added)`,
  );
}
// The floor: the cheapest sandbox bubblewrap can make (the root read-only, new namespaces), run
// alternately with plain `true`. What bubblewrap itself costs on this machine, which no
// configuration of it can go below.
const floor: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  let started = performance.now();
  await execa('true');
  bare.push(performance.now() - started);
  started = performance.now();
  await execa(bwrap, ['--ro-bind', '/', '/', '--unshare-all', '--', 'true']);
  floor.push(performance.now() - started);
}
floor.sort((a, b) => a - b);
bare.sort((a, b) => a - b);
console.log(
  `floor         ${runs} runs each: \`true\` median ${ms(percentile(bare, 50))}; \`bwrap --ro-bind / / --unshare-all true\` median ${ms(percentile(floor, 50))}: bubblewrap itself adds ${ms(percentile(floor, 50) - percentile(bare, 50))} here`,
);
rmSync(base, { recursive: true, force: true });

// The orchestrator's side of the escape corpus, run as a process of its own so that its
// environment and memory really hold the keys an attempt goes after. Reads the setup from the
// JSON file named by argv[2]; prints one JSON line per attempt.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelConfinement } from '../../../agents/model-confinement.js';
import { createToolWorker } from '../../../agents/tools/tool-worker.js';
import { defaultConfig } from '../../../src/config/default-config.js';
import type { EffectiveConfig } from '../../../src/config/effective-config.js';
import type { ResolvedModel } from '../../../src/config/resolved-model.js';
import { type CorpusAttempt, type CorpusCall, corpus } from './attempts.js';

export interface CorpusSetup {
  base: string;
  home: string;
  other: string;
  port: number;
  sock: string;
  abstract: string;
  /** Written into each task's state directory: must never come back. */
  stateSecret: string;
  /** Put into the orchestrator's session keyring. */
  keyringSecret: string;
  /** Run only these attempts (by index); all when absent. */
  only?: number[];
  /** `false` runs the control: the same tools with confinement turned off. */
  confined: boolean;
  concurrency: number;
}

export interface AttemptReport {
  index: number;
  kind: string;
  name: string;
  root: string;
  pwned: string;
  results: { ok: boolean; output: string }[];
  ms: number;
}

const setup = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as CorpusSetup;
// A key in the orchestrator's session keyring (Kerberos tickets and file-system keys live there).
execFileSync('python3', [
  '-c',
  `import ctypes; l = ctypes.CDLL(None, use_errno=True); print(l.syscall(248, b'user', b'cto-corpus', ${JSON.stringify(setup.keyringSecret)}.encode(), ${setup.keyringSecret.length}, -3))`,
]);
const config: EffectiveConfig = {
  ...defaultConfig(),
  sandbox: { ...defaultConfig().sandbox, enabled: setup.confined },
};
const model = {
  id: 'deepseek',
  agent_config_path: join(setup.home, 'agents', 'deepseek', 'config.json'),
} as ResolvedModel;

function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, vars));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

/** A task directory where the orchestrator runs, its state directory inside (the default). */
function makeTask(index: number): string {
  const root = join(setup.base, 'tasks', String(index));
  const state = join(root, '.cto');
  mkdirSync(join(state, 'claude', 't1'), { recursive: true });
  writeFileSync(join(state, 'state.db'), `SQLite ${setup.stateSecret}`);
  writeFileSync(join(state, 'cto.log'), `{"msg":"corpus ${setup.stateSecret}"}\n`);
  writeFileSync(join(state, 'claude', 't1', '.credentials.json'), setup.stateSecret);
  writeFileSync(join(root, 'README.md'), '# task\n');
  return root;
}

async function runAttempt(index: number, attempt: CorpusAttempt): Promise<AttemptReport> {
  const root = makeTask(index);
  const pwned = `cto-corpus-pwned-${index}`;
  const vars = {
    HOME: setup.home,
    AGENT: model.agent_config_path,
    OTHER: setup.other,
    BASE: setup.base,
    ROOT: root,
    STATE: join(root, '.cto'),
    PORT: String(setup.port),
    SOCK: setup.sock,
    ABSTRACT: setup.abstract,
    PID: String(process.pid),
    PWNED: pwned,
    N: String(index),
  };
  const confinement = createModelConfinement({
    config: () => config,
    env: process.env,
    home: setup.home,
    stateDir: join(root, '.cto'),
  });
  const tools = createToolWorker({
    root,
    modelId: 'deepseek',
    confinement: await confinement.forTools(model, { description: attempt.name }),
  });
  const callOne = (call: CorpusCall) => tools.run(call.tool, JSON.stringify(fill(call.args, vars)));
  const inTurn = (calls: CorpusCall[]) =>
    calls.reduce<Promise<{ ok: boolean; output: string }[]>>(
      async (done, call) => [...(await done), await callOne(call)],
      Promise.resolve([]),
    );
  const started = Date.now();
  const prepared = await inTurn(attempt.setup ?? []);
  const later = (call: CorpusCall) =>
    new Promise<void>((resolve) => setTimeout(resolve, call.afterMs ?? 0)).then(() =>
      callOne(call),
    );
  const results = [
    ...prepared,
    ...(attempt.concurrent
      ? await Promise.all(attempt.calls.map(later))
      : await inTurn(attempt.calls)),
  ];
  return {
    index,
    kind: attempt.kind,
    name: attempt.name,
    root,
    pwned,
    results,
    ms: Date.now() - started,
  };
}

const chosen = (setup.only ?? corpus.map((_, index) => index)).map((index) => ({
  index,
  attempt: corpus[index] as CorpusAttempt,
}));
let next = 0;
async function lane(): Promise<void> {
  while (next < chosen.length) {
    const { index, attempt } = chosen[next++] as (typeof chosen)[number];
    process.stdout.write(`${JSON.stringify(await runAttempt(index, attempt))}\n`);
  }
}
await Promise.all(Array.from({ length: setup.concurrency }, lane));

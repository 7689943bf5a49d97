import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus } from './corpus/attempts.js';
import {
  type CorpusWorld,
  changes,
  createCorpusWorld,
  leakedSecrets,
  pwnedFilesOutside,
  runCorpus,
  setidFiles,
  snapshot,
  survivorsOf,
} from './corpus/corpus-harness.js';
import type { AttemptReport } from './corpus/run-corpus.js';

// Every attempt of the corpus, through the tool worker's public behaviour, in an orchestrator
// process that holds real keys in its environment. What counts is what happened: on disk
// outside the task, in the tool results, on the listeners, among the host's processes.

let world: CorpusWorld;
let reports: AttemptReport[];
let outsideBefore: Map<string, string>;
const isTask = (path: string) =>
  path.includes('/tasks/') || path.endsWith('/tasks') || path.includes('/setup-');

let corePattern: string;

beforeAll(async () => {
  corePattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
  world = await createCorpusWorld();
  outsideBefore = snapshot(world.base, isTask);
  reports = await runCorpus(world, { confined: true });
}, 600_000);

afterAll(async () => {
  await world?.close();
});

describe(`the escape corpus: ${corpus.length} attempts`, () => {
  it('runs every attempt, covering every kind the issue lists', () => {
    // What the commands met: the text rules refuse few; the sandbox stops the rest.
    const calls = reports.flatMap((report) => report.results);
    const refusedByText = calls.filter((result) =>
      /^refused: (rm -r|sudo|running a downloaded)/.test(result.output),
    );
    console.info(
      `corpus: ${reports.length} attempts, ${calls.length} tool calls, ${refusedByText.length} refused by the command rules, the rest confined by the sandbox`,
    );
    expect(corpus.length).toBeGreaterThanOrEqual(120);
    expect(reports.map((r) => r.index).sort((a, b) => a - b)).toEqual(corpus.map((_, i) => i));
    const kinds = new Set(corpus.map((attempt) => attempt.kind));
    expect([...kinds].sort()).toEqual([
      'file-tools',
      'git-config',
      'keys',
      'limits',
      'network',
      'read-outside',
      'state-dir',
      'survivors',
      'write-outside',
    ]);
  });

  it('reads nothing from outside the task and shows no key, in any result', () => {
    const leaks = reports.flatMap((report) =>
      leakedSecrets(report, world.secrets).map((secret) => `${report.name}: ${secret}`),
    );
    expect(leaks).toEqual([]);
  });

  it('changes nothing outside the task', () => {
    expect(changes(outsideBefore, snapshot(world.base, isTask))).toEqual([]);
    expect(pwnedFilesOutside(world)).toEqual([]);
    for (const report of reports) {
      // The orchestrator's state directory inside the task is untouched too.
      expect(existsSync(join(report.root, '.cto', 'state.db')), report.name).toBe(true);
      expect(existsSync(join(report.root, '.cto', report.pwned)), report.name).toBe(false);
    }
  });

  it('leaves no setuid or setgid file, and no writable sysctl, behind', () => {
    expect(setidFiles(reports)).toEqual([]);
    expect(
      reports.flatMap((r) => r.results).filter((r) => r.output.includes('SYSCTL-WRITABLE')),
    ).toEqual([]);
    expect(readFileSync('/proc/sys/kernel/core_pattern', 'utf8')).toBe(corePattern);
  });

  it('makes no connection to any listener of the machine', () => {
    expect(world.connections).toEqual({ tcp: 0, unix: 0, abstract: 0 });
  });

  it('leaves no process running after its command', () => {
    expect(survivorsOf(reports)).toEqual([]);
  });

  it('runs no command from a repository configuration, even inside the task', () => {
    const gitAttempts = reports.filter((report) => report.kind === 'git-config');
    const ran = gitAttempts.filter((report) =>
      existsSync(join(report.root, `ran-${report.pwned}`)),
    );
    expect(ran.map((report) => report.name)).toEqual([]);
  });

  it('answers every FIFO, socket and loop promptly with a refusal, and keeps other file work going', () => {
    const byName = (name: string) =>
      reports.find((report) => report.name === name) as AttemptReport;
    const fifos = byName('four FIFOs at once, with other file work beside').results;
    expect(fifos.slice(1, 5).map((r) => r.output)).toEqual(
      ['p1', 'p2', 'p3', 'p4'].map((p) => `refused: ${p} is not a regular file`),
    );
    expect(fifos[6]).toEqual({ ok: true, output: 'fine' });
    expect(byName('a symlink loop').results[1]?.output).toBe(
      'loop1: too many levels of symbolic links',
    );
  });

  it('really races: some reads meet the swapped-in link (and refuse it), none follows it', () => {
    const byName = (name: string) =>
      reports.find((report) => report.name === name) as AttemptReport;
    for (const name of ['a swap race against read_file', 'a swap race on the last component']) {
      const outputs = byName(name)
        .results.slice(2)
        .map((result) => result.output);
      expect(
        outputs.filter((output) => output.includes('leads through a link')).length,
        name,
      ).toBeGreaterThan(0);
    }
  });

  it('keeps the limits: a fork bomb stops, memory and file size are capped', () => {
    const byName = (name: string) =>
      reports.find((report) => report.name === name) as AttemptReport;
    expect(byName('a fork bomb in python').results[0]?.output).toMatch(/stopped after \d+/);
    expect(byName('memory without end').results[0]?.output).toMatch(/MemoryError|rc=1/);
    expect(byName('a huge file').results[0]?.output).toMatch(/File size limit exceeded|2147483648/);
  });
});

describe('the corpus would catch an escape', () => {
  // The control: the same harness, with confinement turned off, must see the leaks and changes.
  it('sees keys read, files changed and connections made when the tools run unconfined', async () => {
    const control = await createCorpusWorld();
    try {
      const names = [
        'cat the key file',
        '/proc/$PPID/environ',
        'R=rm; $R -rf the keys',
        'curl to the loopback listener',
        'append to ~/.bashrc',
      ];
      const only = names.map((name) => corpus.findIndex((attempt) => attempt.name === name));
      const before = snapshot(control.base, isTask);
      const found = await runCorpus(control, { only, confined: false });
      const leaked = found.filter((report) => leakedSecrets(report, control.secrets).length > 0);
      expect(leaked.map((report) => report.name).sort()).toEqual(
        ['/proc/$PPID/environ', 'cat the key file'].sort(),
      );
      expect(changes(before, snapshot(control.base, isTask))).toEqual(
        expect.arrayContaining([
          'changed home/.bashrc',
          'deleted home/agents/deepseek/config.json',
        ]),
      );
      expect(control.connections.tcp).toBeGreaterThan(0);
    } finally {
      await control.close();
    }
  }, 120_000);
});

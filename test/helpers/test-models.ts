import { afterEach } from 'vitest';
import type { LoadedConfig } from '../../src/config/load-config.js';
import type { ResolvedModel } from '../../src/config/resolved-model.js';
import type { ExecuteCall, StepJournal } from '../../src/runtime/model-ports.js';
import { pointModelsAt } from '../../src/simulate/point-models-at.js';
import type { JournalEntry } from '../../src/store/store.js';
import { startAnthropicMessagesServer } from '../../src/testing/anthropic-messages-server.js';
import { startOpenAiCompatibleServer } from '../../src/testing/openai-compatible-server.js';
import type { ScriptedServer } from '../../src/testing/start-scripted-server.js';
import { createSandbox } from './sandbox.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** The environment a test gives the real Claude Code CLI: no retries of its own, nothing sent home. */
export const claudeEnv = {
  PATH: process.env.PATH,
  CLAUDE_CODE_MAX_RETRIES: '0',
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
};

/** Both local provider servers, closed after the test, and a config whose models point at them. */
export async function providerServers(configFile?: unknown) {
  const [openAi, anthropic] = await Promise.all([
    startOpenAiCompatibleServer(),
    startAnthropicMessagesServer(),
  ]);
  servers.push(openAi, anthropic);
  const sandbox = createSandbox();
  if (configFile) sandbox.write('orchestrator_config.json', configFile);
  const loaded: LoadedConfig = pointModelsAt(sandbox.load(), {
    openAi: openAi.url,
    anthropic: anthropic.url,
  });
  const model = (id: string): ResolvedModel => {
    const found = loaded.models.find((m) => m.id === id);
    if (!found) throw new Error(`no model ${id}`);
    return found;
  };
  return { openAi, anthropic, loaded, model, sandbox };
}

/** A step journal in memory, starting from `entries`. */
export function memoryJournal(
  entries: { kind: string; data: unknown }[] = [],
): StepJournal & { all: JournalEntry[] } {
  const all: JournalEntry[] = entries.map((e, i) => ({
    taskId: 't',
    requestId: 'r',
    seq: i + 1,
    kind: e.kind,
    data: e.data,
    at: 0,
  }));
  return {
    entries: [...all],
    all,
    async append(kind, data) {
      all.push({ taskId: 't', requestId: 'r', seq: all.length + 1, kind, data, at: 0 });
    },
  };
}

/** An execute call for a worker test: a simple coding task on `model`, notes collected. */
export function executeCall(
  model: ResolvedModel,
  description: string,
  journal: StepJournal = memoryJournal(),
): ExecuteCall & { notes: string[] } {
  const notes: string[] = [];
  return {
    model,
    taskId: 't1',
    requestId: 't1:execute:1',
    attempt: 1,
    task: { description },
    journal,
    signal: new AbortController().signal,
    progress: (note) => notes.push(note),
    classification: {
      complexity: 'simple',
      type: 'coding',
      model: model.id,
      reason: '',
      source: 'cto',
    },
    previous: null,
    notes,
  };
}

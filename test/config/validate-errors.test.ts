import { describe, expect, it } from 'vitest';
import { createSandbox, everyModelKey } from '../helpers/sandbox.js';

const file = 'orchestrator_config.json';
const known = 'haiku, sonnet, opus, deepseek, minimax, kimi, glm, gemini';

// Each broken config, and the exact lines `cto config validate` prints for it (exit 1).
const cases: { name: string; config: unknown; env?: Record<string, string>; lines: string[] }[] = [
  {
    name: 'a typo in a top-level key',
    config: { cto_modle: 'deepseek' },
    lines: ['cto_modle: unknown key; did you mean "cto_model"?'],
  },
  {
    name: 'a string where a boolean belongs',
    config: { worker_models: { external: { kimi: { has_tools: 'yes' } } } },
    lines: ['worker_models.external.kimi.has_tools: expected boolean, got "yes"'],
  },
  {
    name: 'an unknown strategy',
    config: { model_selection_strategy: 'cheap' },
    lines: [
      'model_selection_strategy: expected one of "cost_aware", "quality", "balanced", got "cheap"',
    ],
  },
  {
    name: 'a number as the CTO',
    config: { cto_model: 42 },
    lines: ['cto_model: expected string, got 42'],
  },
  {
    name: 'a disabled CTO',
    config: { cto_model: 'gemini' },
    lines: [
      'cto_model: "gemini" is not enabled; enabled models: haiku, sonnet, opus, deepseek, minimax, kimi, glm',
    ],
  },
  {
    name: 'an unknown CTO',
    config: { cto_model: 'nosuch' },
    lines: [`cto_model: unknown model "nosuch"; known models: ${known}`],
  },
  {
    name: 'an unknown model in a fallback chain',
    config: { fallback_chain: { haiku: ['sonnet', 'gpt5'] } },
    lines: [`fallback_chain.haiku[1]: unknown model "gpt5"; known models: ${known}`],
  },
  {
    name: 'a budget cap for an unknown model',
    config: { cost_optimization: { model_budget_per_day: { nosuch: { usd: 5 } } } },
    lines: [
      `cost_optimization.model_budget_per_day.nosuch: unknown model "nosuch"; known models: ${known}`,
    ],
  },
  {
    name: 'a budget day offset that is not one',
    config: { cost_optimization: { budget_utc_offset: '2h' } },
    lines: ['cost_optimization.budget_utc_offset: expected an offset such as "+02:00", got "2h"'],
  },
  {
    name: 'an exploration share over a half',
    config: { cost_optimization: { exploration_share: 0.9 } },
    lines: ['cost_optimization.exploration_share: expected a number from 0 to 0.5, got 0.9'],
  },
  {
    name: 'a failure weight below 1',
    config: { cost_optimization: { failure_weight: 0.5 } },
    lines: ['cost_optimization.failure_weight: expected a number from 1 to 1000, got 0.5'],
  },
  {
    name: 'a quality spend share of 0',
    config: { cost_optimization: { quality_spend_share: 0 } },
    lines: ['cost_optimization.quality_spend_share: expected a number above 0, at most 1, got 0'],
  },
  {
    name: 'a fallback chain for an unknown model',
    config: { fallback_chain: { nosuch: ['opus'] } },
    lines: [`fallback_chain.nosuch: unknown model "nosuch"; known models: ${known}`],
  },
  {
    name: 'a fallback chain that is not a list',
    config: { fallback_chain: { haiku: 'sonnet' } },
    lines: ['fallback_chain.haiku: expected array, got "sonnet"'],
  },
  {
    name: 'an escalation to a weaker model',
    config: { fallback_chain: { opus: ['haiku'] } },
    lines: [
      'fallback_chain.opus[0]: "haiku" (tier 2) is weaker than "opus" (tier 4); escalation never goes to a weaker model',
    ],
  },
  {
    name: 'an escalation to itself',
    config: { fallback_chain: { sonnet: ['sonnet', 'opus'] } },
    lines: ['fallback_chain.sonnet[0]: "sonnet" cannot escalate to itself'],
  },
  {
    name: 'a negative budget',
    config: { cost_optimization: { token_budget_per_day: { claude: -1 } } },
    lines: [
      'cost_optimization.token_budget_per_day.claude: expected a non-negative integer, got -1',
    ],
  },
  {
    name: 'a fractional budget',
    config: { cost_optimization: { token_budget_per_day: { external: 1.5 } } },
    lines: [
      'cost_optimization.token_budget_per_day.external: expected a non-negative integer, got 1.5',
    ],
  },
  {
    name: 'a budget in quotes',
    config: { cost_optimization: { token_budget_per_day: { claude: '100' } } },
    lines: [
      'cost_optimization.token_budget_per_day.claude: expected a non-negative integer, got "100"',
    ],
  },
  {
    name: 'a typo in a nested key',
    config: { cost_optimization: { enabeld: true } },
    lines: ['cost_optimization.enabeld: unknown key; did you mean "enabled"?'],
  },
  {
    name: 'an unknown key with no near match',
    config: { colour: 'blue' },
    lines: [
      'colour: unknown key; known keys here: cto_model, model_selection_strategy, worker_models, fallback_chain, provider_endpoints, cost_optimization, max_attempts, max_turns, claude_code, sandbox, task_sources, timeouts',
    ],
  },
  {
    name: 'timeouts out of range',
    config: { timeouts: { idle_seconds: 0, stop_grace_seconds: 'soon' } },
    lines: [
      'timeouts.idle_seconds: expected seconds from 1 to 3600, got 0',
      'timeouts.stop_grace_seconds: expected seconds from 0 to 86400, got "soon"',
    ],
  },
  {
    name: 'a quoted boolean',
    config: { worker_models: { claude: { sonnet: { enabled: 'true' } } } },
    lines: ['worker_models.claude.sonnet.enabled: expected boolean, got "true"'],
  },
  {
    name: 'a typo in a group name',
    config: { worker_models: { extrenal: {} } },
    lines: ['worker_models.extrenal: unknown key; did you mean "external"?'],
  },
  {
    name: 'a model entry that is not an object',
    config: { worker_models: { claude: { haiku: true } } },
    lines: ['worker_models.claude.haiku: expected object, got true'],
  },
  {
    name: 'an endpoint URL that is not a URL',
    config: { provider_endpoints: { 'gpt-4': { api_url: 'not a url' } } },
    lines: ['provider_endpoints.gpt-4.api_url: expected an http(s) URL, got "not a url"'],
  },
  {
    name: 'a typo in an endpoint field',
    config: { provider_endpoints: { 'gpt-4': { modelid: 'gpt-4o' } } },
    lines: ['provider_endpoints.gpt-4.modelid: unknown key; did you mean "model_id"?'],
  },
  {
    name: 'zero attempts',
    config: { max_attempts: 0 },
    lines: ['max_attempts: expected a positive integer, got 0'],
  },
  {
    name: 'an array instead of an object',
    config: [],
    lines: ['(root): expected object, got an array'],
  },
  {
    name: 'an unknown budget group',
    config: { cost_optimization: { token_budget_per_day: { cluade: 5 } } },
    lines: ['cost_optimization.token_budget_per_day.cluade: unknown key; did you mean "claude"?'],
  },
  {
    name: 'a Claude model under the external group',
    config: { worker_models: { external: { sonnet: { enabled: true } } } },
    lines: [
      'worker_models.external.sonnet: "sonnet" is a claude model; list it under worker_models.claude',
    ],
  },
  {
    name: 'an added model in both groups',
    config: { worker_models: { claude: { 'claude-next': {} }, external: { 'claude-next': {} } } },
    lines: [
      'worker_models.external.claude-next: "claude-next" is listed under both worker_models.claude and worker_models.external; keep one',
    ],
  },
  {
    name: 'an added CTO with no endpoint',
    config: { cto_model: 'gpt-4', worker_models: { external: { 'gpt-4': { has_tools: true } } } },
    lines: [
      'cto_model: "gpt-4" cannot be used: no endpoint: set provider_endpoints.gpt-4.api_url or api_url in HOME/agents/gpt-4/config.json',
    ],
  },
  {
    name: 'several problems at once, one line each',
    config: {
      cto_modle: 'x',
      max_attempts: -2,
      worker_models: { external: { glm: { has_tools: 1 } } },
    },
    lines: [
      'worker_models.external.glm.has_tools: expected boolean, got 1',
      'max_attempts: expected a positive integer, got -2',
      'cto_modle: unknown key; did you mean "cto_model"?',
    ],
  },
  {
    name: 'CTO_MODEL naming an unknown model',
    config: {},
    env: { CTO_MODEL: 'bogus' },
    lines: [`CTO_MODEL (cto_model): unknown model "bogus"; known models: ${known}`],
  },
  {
    name: 'MODEL_PROVIDER with an unknown value',
    config: {},
    env: { MODEL_PROVIDER: 'azure' },
    lines: ['MODEL_PROVIDER: expected one of "claude", "openai", "external", got "azure"'],
  },
  {
    name: 'MODEL_PROVIDER disabling the CTO',
    config: {},
    env: { MODEL_PROVIDER: 'claude' },
    lines: [
      'cto_model: "deepseek" is not enabled (MODEL_PROVIDER disables it); enabled models: haiku, sonnet, opus',
    ],
  },
];

// Files that are not even JSON: reported with file, line and column.
const syntaxCases: { name: string; text: string; line: string }[] = [
  {
    name: 'a missing comma',
    text: '{\n  "cto_model": "opus"\n  "max_attempts": 2\n}',
    line: 'FILE:3:3: syntax error: expected ","',
  },
  {
    name: 'an unterminated string',
    text: '{ "cto_model": "opus }',
    line: 'FILE:1:16: syntax error: unterminated string',
  },
  { name: 'an empty file', text: '  \n', line: 'FILE:1:1: the file is empty' },
  {
    name: 'single quotes',
    text: "{ 'cto_model': 'opus' }",
    line: 'FILE:1:3: syntax error: unexpected character',
  },
];

describe('cto config validate on broken configs', () => {
  it('has at least 25 cases', () => {
    expect(cases.length + syntaxCases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$name', async ({ config, env, lines }) => {
    const sandbox = createSandbox(env);
    const path = sandbox.write(file, config);
    const result = await sandbox.cli('config', 'validate', path);
    expect(result.code).toBe(1);
    expect(result.stdout.replaceAll(sandbox.home, 'HOME')).toBe(
      lines.map((line) => `${line}\n`).join(''),
    );
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it.each(syntaxCases)('$name', async ({ text, line }) => {
    const sandbox = createSandbox();
    const path = sandbox.write(file, text);
    const result = await sandbox.cli('config', 'validate', path);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${line.replace('FILE', path)}\n`);
  });

  it('prints OK and exits 0 for a valid file', async () => {
    const sandbox = createSandbox(everyModelKey);
    const path = sandbox.write(file, { cto_model: 'sonnet' });
    expect(await sandbox.cli('config', 'validate', path)).toEqual({
      code: 0,
      stdout: 'OK\n',
      stderr: '',
    });
  });

  it('names every enabled model without a key: a problem, or a warning for an escalation target; both ways of naming the file say the same', async () => {
    const sandbox = createSandbox({ DEEPSEEK_API_KEY: 'sk-test-deepseek' });
    const path = sandbox.write(file, {
      worker_models: { external: { deepseak: { enabled: true } } },
    });
    const named = await sandbox.cli('config', 'validate', path);
    expect(named.code).toBe(1);
    const lines = named.stdout.trim().split('\n');
    expect(lines).toContain(
      `worker_models.claude.haiku: "haiku" is enabled with no API key: set HAIKU_API_KEY or api_key in ${sandbox.home}/agents/haiku/config.json, or log in to Claude Code; give it a key or disable it`,
    );
    expect(lines.filter((l) => /^worker_models\.\w+\.(minimax|kimi|glm): /.test(l))).toHaveLength(
      3,
    );
    expect(
      lines.filter((l) =>
        /^warning: (sonnet|opus) is an escalation target with no API key/.test(l),
      ),
    ).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('worker_models.external.deepseek'))).toBe(false);
    expect(named.stdout).toContain('"deepseak" is not in the catalog (did you mean "deepseek"?)');
    expect(await sandbox.cli('--config', path, 'config', 'validate')).toEqual(named);
    sandbox.env.ANTHROPIC_API_KEY = 'sk-ant-test';
    sandbox.env.DEEPSEEK_API_KEY = undefined;
    const cto = await sandbox.cli('config', 'validate', path, '--json');
    expect(JSON.parse(cto.stdout).problems).toContainEqual({
      where: 'cto_model',
      message: `"deepseek" has no API key: set DEEPSEEK_API_KEY or api_key in ${sandbox.home}/agents/deepseek/config.json`,
    });
  });

  it('names a file that does not exist', async () => {
    const sandbox = createSandbox();
    const result = await sandbox.cli('config', 'validate', 'missing.json');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${sandbox.cwd}/missing.json: no such file\n`);
  });

  it('gives the problems as JSON with --json', async () => {
    const sandbox = createSandbox();
    const path = sandbox.write(file, { max_attempts: 0 });
    const result = await sandbox.cli('config', 'validate', path, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      problems: [{ where: 'max_attempts', message: 'expected a positive integer, got 0' }],
    });
  });
});

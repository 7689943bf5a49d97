import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigEnvironment } from './config-environment.js';
import { apiKeyVariable, type ResolvedModel } from './resolved-model.js';

/** A user's own access to Claude, which Claude Code uses when a model has no key configured. */
const claudeAccess = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
];

/** Whether a URL is on this machine: local OpenAI-compatible servers often need no key. */
export function isLoopbackUrl(url: string | null): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Why a model cannot authenticate with its provider, or null when it can: a key from its
 * agent config or `<MODEL>_API_KEY`; for a Claude model also the user's own Claude access
 * (a key or token in the environment, a cloud account, or a Claude Code login); for a server
 * on this machine, none is needed.
 *
 * @example
 * missingKey(model, processEnvironment()); // 'no API key: set DEEPSEEK_API_KEY or api_key in ~/agents/deepseek/config.json'
 */
export function missingKey(
  model: ResolvedModel,
  environment: Pick<ConfigEnvironment, 'env' | 'homeDir'>,
): string | null {
  if (model.api_key) return null;
  if (model.group === 'external' && isLoopbackUrl(model.api_url)) return null;
  if (model.group === 'claude') {
    if (claudeAccess.some((name) => environment.env[name])) return null;
    if (existsSync(join(environment.homeDir, '.claude', '.credentials.json'))) return null;
  }
  return `no API key: set ${apiKeyVariable(model.id)} or api_key in ${model.agent_config_path}${model.group === 'claude' ? ', or log in to Claude Code' : ''}`;
}

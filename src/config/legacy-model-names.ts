/**
 * Model names found in older configurations and the ids they mean now. docs/configuration.md
 * shows this table; keep the two in step (a test compares them).
 */
export const legacyModelNames: Readonly<Record<string, string>> = {
  'claude-haiku': 'haiku',
  'claude-3-haiku': 'haiku',
  'claude-3-5-haiku': 'haiku',
  'claude-haiku-4-5': 'haiku',
  'claude-sonnet': 'sonnet',
  'claude-3-5-sonnet': 'sonnet',
  'claude-3-7-sonnet': 'sonnet',
  'claude-sonnet-4': 'sonnet',
  'claude-sonnet-4-5': 'sonnet',
  'claude-opus': 'opus',
  'claude-3-opus': 'opus',
  'claude-opus-4': 'opus',
  'claude-opus-4-1': 'opus',
  'deepseek-chat': 'deepseek',
  'deepseek-coder': 'deepseek',
  'deepseek-v3': 'deepseek',
  'deepseek-reasoner': 'deepseek',
  moonshot: 'kimi',
  'kimi-k2': 'kimi',
  'minimax-m2': 'minimax',
  'minimax-m3': 'minimax',
  abab: 'minimax',
  'glm-4': 'glm',
  'glm-4.5': 'glm',
  'glm-4.6': 'glm',
  'glm-5': 'glm',
  zhipu: 'glm',
  'gemini-pro': 'gemini',
  'gemini-2.5-pro': 'gemini',
  'gemini-3-pro': 'gemini',
};

/**
 * The current id for a model name, mapping legacy names; any other name is returned as is.
 *
 * @example
 * currentModelName('claude-sonnet'); // 'sonnet'
 * currentModelName('gpt-4');         // 'gpt-4'
 */
export function currentModelName(name: string): string {
  return legacyModelNames[name.toLowerCase()] ?? name;
}

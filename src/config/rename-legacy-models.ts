import type { ConfigFile } from './config-file-schema.js';
import { currentModelName } from './legacy-model-names.js';

function renameKeys<T>(
  record: Record<string, T> | undefined,
  where: string,
  notices: string[],
): Record<string, T> | undefined {
  if (!record) return record;
  const renamed: Record<string, T> = {};
  // Current names first, so that an entry under the current name wins over a legacy alias.
  const entries = Object.entries(record).sort(
    ([a], [b]) => Number(currentModelName(a) !== a) - Number(currentModelName(b) !== b),
  );
  for (const [name, value] of entries) {
    const current = currentModelName(name);
    if (current !== name) {
      if (current in renamed) {
        notices.push(
          `${where}.${name}: legacy name of "${current}", which is also listed; ignored`,
        );
        continue;
      }
      notices.push(`${where}.${name}: legacy model name, read as "${current}"`);
    }
    renamed[current] = value;
  }
  return renamed;
}

/**
 * Maps legacy model names (table in legacy-model-names.ts) to current ids everywhere a file
 * names a model, with a notice for each.
 *
 * @example
 * renameLegacyModels({ cto_model: 'claude-sonnet' }, []).cto_model; // 'sonnet'
 */
export function renameLegacyModels(file: ConfigFile, notices: string[]): ConfigFile {
  const renamed: ConfigFile = { ...file };
  if (file.cto_model !== undefined && currentModelName(file.cto_model) !== file.cto_model) {
    renamed.cto_model = currentModelName(file.cto_model);
    notices.push(
      `cto_model: legacy model name "${file.cto_model}", read as "${renamed.cto_model}"`,
    );
  }
  if (file.worker_models) {
    renamed.worker_models = {
      ...file.worker_models,
      claude: renameKeys(file.worker_models.claude, 'worker_models.claude', notices),
      external: renameKeys(file.worker_models.external, 'worker_models.external', notices),
    };
  }
  const chains = renameKeys(file.fallback_chain, 'fallback_chain', notices);
  if (chains) {
    renamed.fallback_chain = Object.fromEntries(
      Object.entries(chains).map(([model, chain]) => [model, chain.map(currentModelName)]),
    );
  }
  renamed.provider_endpoints = renameKeys(file.provider_endpoints, 'provider_endpoints', notices);
  return Object.fromEntries(
    Object.entries(renamed).filter(([, value]) => value !== undefined),
  ) as ConfigFile;
}

import type { LoadedConfig } from '../config/load-config.js';
import type { ResolvedModel } from '../config/resolved-model.js';

function leaves(value: unknown, path: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push([path, {}]);
    for (const [key, child] of entries) leaves(child, path ? `${path}.${key}` : key, out);
    return;
  }
  out.push([path, value]);
}

function price(model: ResolvedModel): string {
  const money = (value: number | null) => (value === null ? '?' : `$${value}`);
  return `${money(model.input_price_per_mtok)}/${money(model.output_price_per_mtok)}`;
}

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The text of `cto config show`: every effective value with its source, then the models as
 * the runtime will use them. Keys appear masked, never whole.
 *
 * @example
 * io.stdout(showConfigText(loaded));
 */
export function showConfigText(loaded: LoadedConfig): string {
  const lines: string[] = [];
  lines.push(`config file: ${loaded.file ?? 'none'} (${loaded.fileReason})`, '');
  const values: [string, unknown][] = [];
  leaves(loaded.config, '', values);
  lines.push(
    ...table([
      ['setting', 'value', 'source'],
      ...values.map(([path, value]) => [
        path,
        JSON.stringify(value),
        loaded.sources[path] ?? 'default',
      ]),
    ]),
  );
  lines.push('', 'models:');
  lines.push(
    ...table([
      [
        'model',
        'kind',
        'tier',
        'enabled',
        '$/Mtok in/out',
        'context',
        'endpoint',
        'model id',
        'key',
      ],
      ...loaded.models.map((model) => [
        model.id,
        model.kind,
        String(model.tier),
        model.enabled ? 'yes' : 'no',
        price(model),
        model.context_window === null ? '?' : String(model.context_window),
        model.api_url ?? (model.kind === 'claude-code' ? 'claude CLI' : 'none'),
        model.model_id,
        model.api_key
          ? `${model.api_key.masked} (${model.api_key_source})`
          : model.kind === 'claude-code'
            ? "the CLI's own login"
            : 'none',
      ]),
    ]).map((line) => `  ${line}`),
  );
  for (const notice of loaded.notices) lines.push(`notice: ${notice}`);
  for (const warning of loaded.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}

/** The JSON of `cto config show --json` (keys masked by `Secret.toJSON`). */
export function showConfigJson(loaded: LoadedConfig): string {
  const { watchedPaths: _watched, ...shown } = loaded;
  return `${JSON.stringify(shown, null, 2)}\n`;
}

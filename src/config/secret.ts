import { inspect } from 'node:util';

/**
 * Masks a credential for display: a short provider prefix and the last four characters.
 *
 * @example
 * maskSecret('sk-proj-1234567890abcd'); // 'sk-…abcd'
 */
export function maskSecret(value: string): string {
  // Short keys would give most of themselves away through their last four characters.
  if (value.length < 12) return '…';
  const prefix = /^[A-Za-z]{1,4}-/.exec(value)?.[0] ?? '';
  return `${prefix}…${value.slice(-4)}`;
}

/**
 * A credential that cannot be printed by accident: string conversion, JSON and
 * `util.inspect` (console.log, pino) all give the masked form. Only `reveal()` gives the value,
 * and only the code that sends it to a provider calls it.
 *
 * @example
 * const key = new Secret(process.env.DEEPSEEK_API_KEY ?? '');
 * JSON.stringify({ key }); // '{"key":"sk-…abcd"}'
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get masked(): string {
    return maskSecret(this.#value);
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `Secret(${this.masked})`;
  }
}

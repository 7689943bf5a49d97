import type { ConfigFile, ProviderEndpoint } from './config-file-schema.js';

type Complete<T> = T extends readonly (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]-?: Complete<NonNullable<T[K]>> }
    : T;

/**
 * The configuration after defaults, file and environment are merged: the file's shape with
 * every field present. Endpoints stay partial: each of their fields has its own fallback.
 */
export type EffectiveConfig = Complete<Omit<ConfigFile, 'provider_endpoints'>> & {
  provider_endpoints: Record<string, ProviderEndpoint>;
};

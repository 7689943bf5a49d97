import { z } from 'zod';

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * An http(s) URL as Node's own URL parser (and so fetch and the openai SDK) accepts it:
 * internationalised host names included, which zod's stricter pattern refuses.
 */
export const httpUrlSchema = z.string().refine(isHttpUrl, { error: 'expected an http(s) URL' });

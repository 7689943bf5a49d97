import { z } from 'zod';

/** `host:port` or `host` (port 443): a DNS name, `localhost` or a loopback address. */
const allowedHostSchema = z
  .string()
  .regex(
    /^(\[::1\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:\d{1,5})?$/,
    {
      error: 'expected "host" or "host:port" (a host name, localhost or 127.0.0.1)',
    },
  )
  .refine((value) => {
    const port = /:(\d+)$/.exec(value)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
  }, 'expected a port from 1 to 65535');

/**
 * What a confined process may reach: `none` (no network at all, the default for tools),
 * `host` (the machine's network, unfiltered), or `{ allow: [...] }` (only these hosts, each
 * through a forwarder; everything else, DNS included, unreachable). Used by the configuration
 * (`sandbox.network`, per model) and by a task's input.
 *
 * @example
 * networkAccessSchema.parse({ allow: ['registry.npmjs.org', '127.0.0.1:8080'] });
 */
export const networkAccessSchema = z.union([
  z.enum(['none', 'host'], { error: 'expected "none", "host" or { "allow": [...] }' }),
  z.strictObject({ allow: z.array(allowedHostSchema).min(1) }),
]);
export type NetworkAccess = z.infer<typeof networkAccessSchema>;

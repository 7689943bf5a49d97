import { createHmac, randomUUID } from 'node:crypto';

/** One webhook delivery as Plane sends it: its headers and its exact body. */
export interface PlaneDelivery {
  headers: Record<string, string>;
  body: string;
}

/**
 * JSON as Python's `json.dumps` writes it with its defaults (`", "` and `": "` between parts,
 * every character past ASCII escaped): Plane signs and sends its payloads so.
 *
 * @example
 * pythonJson({ a: [1, 'é'] }); // '{"a": [1, "\\u00e9"]}'
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  const text = JSON.stringify(value ?? null);
  return text.replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A signed delivery of `payload`: `X-Plane-Signature` is the hex HMAC-SHA256 of the body with
 * the webhook's secret, as Plane computes it.
 *
 * @example
 * const delivery = signedDelivery('issue', payload, 'whsec-test');
 * await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
 */
export function signedDelivery(event: string, payload: unknown, secret: string): PlaneDelivery {
  const body = pythonJson(payload);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Autopilot',
      'X-Plane-Delivery': randomUUID(),
      'X-Plane-Event': event,
      'X-Plane-Signature': createHmac('sha256', secret).update(body).digest('hex'),
    },
  };
}

/**
 * Posts a delivery to a webhook URL; the status it got (0 when nothing answered).
 *
 * @example
 * const status = await deliver('http://127.0.0.1:3700/hooks/plane', delivery);
 */
export async function deliver(url: string, delivery: PlaneDelivery): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

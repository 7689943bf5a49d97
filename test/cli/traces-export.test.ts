import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/sandbox.js';

describe('traces over OTLP', () => {
  it('are sent to the endpoint the standard variable names, with the task, its phases and its calls', async () => {
    const bodies: string[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        if (request.url === '/v1/traces') bodies.push(body);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    const sandbox = createSandbox({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    const { code } = await sandbox.cli('run', '--simulate', 'Add a flag', '--type', 'coding');
    collector.close();
    expect(code).toBe(0);
    const sent = bodies.join('\n');
    expect(sent).toMatch(/"name":"task [\w-]{12}"/);
    expect(sent).toContain('"name":"phase executing"');
    expect(sent).toContain('gen_ai.usage.input_tokens');
    expect(sent).toContain('"name":"classify deepseek"');
  }, 60_000);
});

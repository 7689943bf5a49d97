import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

/** The page a user opens: it embeds the Stately inspector and feeds it the relayed events. */
function bridgePage(port: number, inspectorUrl: string): string {
  return `<!DOCTYPE html>
<html><head><title>cto-orchestrator: Stately inspector</title>
<style>html,body,iframe{margin:0;border:0;width:100%;height:100%}</style></head>
<body><iframe id="inspector" src="${inspectorUrl}"></iframe>
<script>
  const frame = document.getElementById('inspector');
  const waiting = [];
  let ready = false;
  window.addEventListener('message', (e) => {
    if (e.data && e.data.type === '@statelyai.connected') {
      ready = true;
      for (const event of waiting.splice(0)) frame.contentWindow.postMessage(event, '*');
    }
  });
  new WebSocket('ws://localhost:${port}').onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (ready) frame.contentWindow.postMessage(event, '*');
    else waiting.push(event);
  };
</script></body></html>`;
}

/**
 * The local relay between the process's websocket inspector and the viewer's browser: every
 * message from one client goes to the others, and a viewer that connects late gets the last
 * `buffer` messages. It does what `createInspectorServer` of @statelyai/inspect does, with one
 * difference that matters here: `stop()` also drops connected viewers, so the process ends
 * when its work ends even while someone is watching.
 *
 * @example
 * const relay = await startInspectorRelay({ port: 8080 });
 * // open http://localhost:8080; later: relay.stop();
 */
export async function startInspectorRelay(options: {
  port: number;
  inspectorUrl?: string;
  buffer?: number;
}): Promise<{ stop(): void }> {
  const page = bridgePage(options.port, options.inspectorUrl ?? 'https://stately.ai/inspect');
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(page);
  });
  const sockets = new WebSocketServer({ server: http });
  const recent: string[] = [];
  const keep = options.buffer ?? 1_000;
  sockets.on('connection', (socket) => {
    for (const message of recent) socket.send(message);
    socket.on('message', (data) => {
      const message = String(data);
      recent.push(message);
      if (recent.length > keep) recent.shift();
      for (const client of sockets.clients) {
        if (client !== socket && client.readyState === WebSocket.OPEN) client.send(message);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error) =>
      reject(new Error(`the inspector cannot listen on port ${options.port}: ${error.message}`)),
    );
    http.listen(options.port, 'localhost', resolve);
  });
  return {
    stop() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      http.closeAllConnections();
      http.close();
    },
  };
}

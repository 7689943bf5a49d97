// A local Plane with a project and a few items in Todo, for trying `cto serve` on Plane with no
// Plane account. Run it with: npm run example:plane [port]
// It prints the configuration to use and the command to run, then every request the
// orchestrator makes and every comment it writes, until Ctrl-C.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlaneServer } from '../src/testing/index.js';

const port = Number(process.argv[2] ?? 3710);
const plane = await startPlaneServer({ workspace: 'acme', port });
const web = plane.addProject('WEB', 'Website');
plane.fileItem(web, {
  name: 'Explain why the nightly build is slow',
  state: 'Todo',
  labels: ['type:analysis'],
  description_html:
    '<p>The nightly build went from <strong>12</strong> to <strong>31</strong> minutes.</p><ul><li>since the cache change</li><li>only on Linux runners</li></ul>',
});
plane.fileItem(web, { name: 'Write release notes for 0.2', state: 'Todo' });
plane.fileItem(web, { name: 'Someday: a dark theme', state: 'Backlog' });

const dir = mkdtempSync(join(tmpdir(), 'cto-plane-'));
const config = join(dir, 'orchestrator_config.json');
const section = {
  base_url: plane.url,
  workspace: 'acme',
  projects: ['WEB'],
  poll_interval_seconds: 5,
};
writeFileSync(config, `${JSON.stringify({ task_sources: { plane: section } }, null, 2)}\n`);
console.log(`a local Plane at ${plane.url} (workspace acme, project WEB, key plane-test-key)`);
console.log(`config: ${config}\n${JSON.stringify({ task_sources: { plane: section } }, null, 2)}`);
console.log(
  `\nrun, in another terminal:\n  PLANE_API_KEY=plane-test-key ORCHESTRATOR_CONFIG=${config} npm run cto -- serve --simulate\n`,
);

let requests = 0;
let comments = 0;
setInterval(() => {
  for (const r of plane.requests.slice(requests)) {
    const state = (r.body as { state?: string } | null)?.state;
    const named = state ? ` (state → ${plane.board.states.find((s) => s.id === state)?.name})` : '';
    console.log(`${r.method} ${r.path}${r.query}${named}`);
  }
  requests = plane.requests.length;
  for (const c of plane.board.comments.slice(comments)) {
    const item = plane.board.items.find((i) => i.id === c.issue);
    console.log(
      `\ncomment on WEB-${item?.sequence_id} (now ${item ? plane.board.stateOf(item) : '?'}):\n${c.comment_stripped}\n`,
    );
  }
  comments = plane.board.comments.length;
}, 250);
process.on('SIGINT', () => void plane.close().then(() => process.exit(0)));

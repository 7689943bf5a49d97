// Peer: the four-phase task as a LangGraph.js graph with its SQLite checkpointer, each task a
// thread, checkpointed before each next step (durability "sync"), on a database opened as the
// runtime's store is (WAL, synchronous NORMAL).
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Database from 'better-sqlite3';
import { instantModel, measure, scratchDirectory } from './lanes.js';

type Classification = Awaited<ReturnType<typeof instantModel.classify>>['classification'];
type Review = Awaited<ReturnType<typeof instantModel.review>>;

const TaskState = Annotation.Root({
  description: Annotation<string>,
  classification: Annotation<Classification | null>,
  output: Annotation<string | null>,
  review: Annotation<Review | null>,
});

const graph = new StateGraph(TaskState)
  .addNode('classifying', async (state) => ({
    classification: (await instantModel.classify(state.description)).classification,
  }))
  .addNode('executing', async (state) => ({
    output: (await instantModel.execute(state.description)).output,
  }))
  .addNode('reviewing', async (state) => ({
    review: await instantModel.review(state.output ?? ''),
  }))
  .addEdge(START, 'classifying')
  .addEdge('classifying', 'executing')
  .addEdge('executing', 'reviewing')
  .addConditionalEdges('reviewing', (state) =>
    state.review?.verdict === 'approve' ? END : 'executing',
  );

const db = new Database(join(scratchDirectory('langgraph'), 'state.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const app = graph.compile({ checkpointer: new SqliteSaver(db) });

async function runTask(index: number): Promise<void> {
  const final = await app.invoke(
    { description: `bench task ${index}`, classification: null, output: null, review: null },
    { configurable: { thread_id: `task-${index}` }, durability: 'sync' },
  );
  if (final.review?.verdict !== 'approve') throw new Error(`task ${index} ended unreviewed`);
}

await measure('langgraph', runTask);
db.close();

import { describe, expect, it } from 'vitest';
import { readAnswer, reviewAnswerSchema } from '../../agents/cto-answers.js';
import { type CompleteText, classifyWith, reviewWith } from '../../agents/cto-calls.js';
import type { ResolvedModel } from '../../src/config/resolved-model.js';
import type { ClassifyCall, ReviewCall } from '../../src/runtime/model-ports.js';

function scripted(answers: string[]) {
  const asked: { role: string; content: string }[][] = [];
  const complete: CompleteText = async (_model, _system, conversation) => {
    asked.push(conversation.map((m) => ({ ...m })));
    return { text: answers.shift() ?? '', usage: { inputTokens: 10, outputTokens: 2 } };
  };
  return { complete, asked };
}

const base = {
  model: { id: 'deepseek' } as ResolvedModel,
  taskId: 't',
  requestId: 'r',
  attempt: 1,
  task: { description: 'Add a --json flag' },
  journal: { entries: [], append: async () => {} },
  signal: new AbortController().signal,
  progress: () => {},
};
const classifyCall: ClassifyCall = { ...base, models: [] };
const reviewCall: ReviewCall = {
  ...base,
  classification: {
    complexity: 'simple',
    type: 'coding',
    model: 'deepseek',
    reason: '',
    source: 'cto',
  },
  worker: 'deepseek',
  output: 'added the flag',
};

describe("the CTO's answers", () => {
  it('reads a classification from prose around a fenced JSON block, whatever the case of its words', async () => {
    const { complete } = scripted([
      'Sure!\n```json\n{"complexity":"Moderate","type":"bash command","model":"haiku","reason":"small"}\n```',
    ]);
    expect(await classifyWith(complete, classifyCall)).toEqual({
      classification: {
        complexity: 'moderate',
        type: 'bash_command',
        model: 'haiku',
        reason: 'small',
      },
      usage: { inputTokens: 10, outputTokens: 2 },
    });
  });

  it('asks once more, saying what was wrong, and adds up both calls', async () => {
    const { complete, asked } = scripted([
      '{"complexity":"huge","type":"coding","model":"opus"}',
      '{"complexity":"complex","type":"coding","model":"opus","reason":"big"}',
    ]);
    const result = await classifyWith(complete, classifyCall);
    expect(result.classification.complexity).toBe('complex');
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 4 });
    expect(asked[1]?.at(-1)?.content).toMatch(
      /^Your answer could not be read \(complexity: Invalid option/,
    );
    expect(asked[1]?.[1]).toEqual({
      role: 'assistant',
      content: '{"complexity":"huge","type":"coding","model":"opus"}',
    });
  });

  it('fails the step (not worth a retry) after a second unreadable classification', async () => {
    const { complete } = scripted(['no idea', 'still no idea']);
    await expect(classifyWith(complete, classifyCall)).rejects.toMatchObject({
      message:
        "the CTO's classification could not be read, even after a repair request: no JSON object in the answer",
      transient: false,
    });
  });

  it('reads a review, and fails a review that stays unreadable (the runtime counts it as a rejection)', async () => {
    expect(
      await reviewWith(
        scripted(['{"verdict":"approved","quality":"8","feedback":"good"}']).complete,
        reviewCall,
      ),
    ).toEqual({
      verdict: 'approve',
      quality: 8,
      feedback: 'good',
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    await expect(
      reviewWith(scripted(['{"verdict":"maybe"}', '{"quality": 11}']).complete, reviewCall),
    ).rejects.toMatchObject({
      transient: false,
    });
  });

  it.each([
    [
      '{"verdict": "approve", "quality": 0, "feedback": ""}',
      'quality: Too small: expected number to be >=1',
    ],
    [
      '{"verdict": "approve", "quality": 7, "feedback": ""',
      'the JSON in the answer does not parse',
    ],
    ['', 'no JSON object in the answer'],
  ])('says in one line why %j cannot be read', (text, problem) => {
    const read = readAnswer(reviewAnswerSchema, text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toContain(problem);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  chatCompletionTools,
  isToolName,
  toolDefinitions,
} from '../../agents/tools/tool-definitions.js';

function tool(name: string) {
  const found = chatCompletionTools().find((t) => t.function.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found.function;
}

describe('tool definitions', () => {
  it('offers the tools of SPEC §4 with git integration, each named once', () => {
    const names = chatCompletionTools().map((t) => t.function.name);
    expect(names).toEqual([
      'read_file',
      'write_file',
      'edit_file',
      'run_command',
      'list_directory',
      'get_current_directory',
      'git_status',
      'git_diff',
      'git_commit',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every tool a description and an object schema, in the OpenAI shape', () => {
    for (const entry of chatCompletionTools()) {
      expect(entry.type).toBe('function');
      expect(entry.function.description?.length).toBeGreaterThan(20);
      expect(entry.function.parameters).toMatchObject({
        type: 'object',
        properties: expect.any(Object),
        additionalProperties: false,
      });
      expect(entry.function.parameters).not.toHaveProperty('$schema');
    }
  });

  it('generates the parameters from the zod schemas', () => {
    for (const [name, definition] of Object.entries(toolDefinitions)) {
      const { $schema: _, ...fromZod } = z.toJSONSchema(definition.arguments);
      expect(tool(name).parameters).toEqual(fromZod);
    }
  });

  it('marks required fields and types as the schemas say', () => {
    expect(tool('write_file').parameters).toMatchObject({
      required: ['path', 'content'],
      properties: { path: { type: 'string', minLength: 1 }, content: { type: 'string' } },
    });
    expect(tool('edit_file').parameters).toMatchObject({
      required: ['path', 'old_text', 'new_text'],
    });
    const run = tool('run_command').parameters as Record<string, unknown>;
    expect(run).toMatchObject({
      required: ['command'],
      properties: { timeout_seconds: { type: 'number', exclusiveMinimum: 0 } },
    });
    expect(tool('git_diff').parameters).toMatchObject({
      properties: { staged: { type: 'boolean' } },
    });
    expect(tool('git_diff').parameters).not.toHaveProperty('required');
    expect(tool('list_directory').parameters).not.toHaveProperty('required');
    expect(tool('get_current_directory').parameters).toMatchObject({ properties: {} });
    expect(tool('git_commit').parameters).toMatchObject({ required: ['message'] });
  });

  it('describes each field for the model', () => {
    for (const entry of chatCompletionTools()) {
      const properties = entry.function.parameters?.properties as Record<
        string,
        { description?: string }
      >;
      for (const [field, schema] of Object.entries(properties)) {
        expect(schema.description, `${entry.function.name}.${field}`).toBeTruthy();
      }
    }
  });

  it('recognizes tool names without being fooled by object keys', () => {
    expect(isToolName('read_file')).toBe(true);
    expect(isToolName('rm_rf')).toBe(false);
    expect(isToolName('constructor')).toBe(false);
    expect(isToolName('__proto__')).toBe(false);
  });
});

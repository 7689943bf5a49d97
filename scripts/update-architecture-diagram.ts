// Writes the task machine's diagram, generated from the code, into docs/architecture.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskMachine } from '../machines/task.machine.js';
import { withDiagram } from '../src/diagram/machine-diagrams.js';
import { machineToMermaid } from '../src/diagram/machine-to-mermaid.js';

const file = join(import.meta.dirname, '..', 'docs', 'architecture.md');
writeFileSync(file, withDiagram(readFileSync(file, 'utf8'), machineToMermaid(taskMachine)));
console.log(`updated ${file}`);

import { describe, expect, it } from 'vitest';
import { parseShellCommand } from '../../agents/tools/parse-shell-command.js';

describe('parseShellCommand', () => {
  it('keeps the files read by input redirections apart from the words', () => {
    const [command] = parseShellCommand('cat < ~/.bashrc 0<notes.txt > out.txt');
    expect(command).toMatchObject({
      words: ['cat'],
      inputs: ['~/.bashrc', 'notes.txt'],
      outputs: ['out.txt'],
    });
  });

  it('does not take a duplicated descriptor or a here-document for a file read', () => {
    const [dup] = parseShellCommand('cat <&3');
    expect(dup?.inputs).toEqual([]);
    const [heredoc] = parseShellCommand('cat <<EOF\nhello\nEOF');
    expect(heredoc).toMatchObject({ inputs: [], stdinTexts: ['hello'] });
    const [herestring] = parseShellCommand('cat <<< ~/.bashrc');
    expect(herestring).toMatchObject({ inputs: [], stdinTexts: ['~/.bashrc'] });
  });

  it('checks a command made only of an input redirection', () => {
    expect(parseShellCommand('< ~/.bashrc')).toEqual([
      {
        words: [],
        outputs: [],
        inputs: ['~/.bashrc'],
        stdinTexts: [],
        substitutions: [],
        piped: false,
      },
    ]);
  });
});

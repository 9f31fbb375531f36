// Commander prints a mistake over several lines (the error, "(Did you mean …?)", a help hint); a
// scenario answers every bad input in one line, so these become one.

import type { Command } from 'commander';

/** Commander's message on one line: its lines trimmed and joined by spaces. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/** `command` printing its parse errors as one line: the message, its suggestion, then `hint`. */
export function oneLineErrors(command: Command, hint = '(run with --help for every flag)'): Command {
  return command.configureOutput({ outputError: (text, write) => write(`${oneLine(text)} ${hint}\n`) });
}

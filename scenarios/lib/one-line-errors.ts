// Commander prints a mistake over several lines (the error, "(Did you mean …?)", a help hint); a
// scenario answers every bad input in one line, so these become one.

import type { Command } from 'commander';

/** `command` printing its parse errors as one line: the message, its suggestion, then `hint`. */
export function oneLineErrors(command: Command, hint = '(run with --help for every flag)'): Command {
  return command.configureOutput({
    outputError: (text, write) => write(`${[...text.split('\n').map((line) => line.trim()).filter((line) => line !== ''), hint].join(' ')}\n`),
  });
}

// Errors of src/report: caller mistakes only (a duplicate strategy name, an absolute path in the
// config, a font file that does not exist). Each message says what to do instead.

import { SimulatorError } from '../errors.ts';

/** Base class of every error thrown by src/report. */
export class ReportError extends SimulatorError {
  override readonly name: string = 'ReportError';
}

/** An input to a report function that cannot be used as given. */
export class ReportInputError extends ReportError {
  override readonly name = 'ReportInputError';
}

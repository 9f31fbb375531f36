// The font the plots are drawn with. resvg draws text only with fonts it is given, and a fresh
// machine may have none, so the font is a file found in this order:
//   1. `file` passed by the caller (with its `family`);
//   2. the SCR_PLOT_FONT environment variable (a path to a .ttf / .otf);
//   3. the npm package `dejavu-fonts-ttf`, when installed (the same bytes on every machine);
//   4. DejaVu Sans where Linux distributions put it (Debian's fonts-dejavu-core, Fedora, Arch);
//   5. none: resvg then loads whatever system fonts exist, and `warning` says text may be missing.
// DejaVu Sans is the default because it ships with Debian and with the npm package alike; Bold is
// loaded beside Regular when it sits next to it (vega draws titles bold).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ReportInputError } from './errors.ts';

/** Environment variable naming a font file for the plots. */
export const PLOT_FONT_ENV = 'SCR_PLOT_FONT';
/** The npm package whose TrueType files are used when it is installed. */
export const FONT_PACKAGE = 'dejavu-fonts-ttf';
export const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

/** Where Linux distributions install DejaVu Sans. */
export const SYSTEM_FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', // Debian, Ubuntu (fonts-dejavu-core)
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', // Fedora
  '/usr/share/fonts/TTF/DejaVuSans.ttf', // Arch
  '/usr/share/fonts/dejavu/DejaVuSans.ttf', // Alpine, older Fedora
];

export interface PlotFont {
  /** The family named in the SVG. */
  readonly family: string;
  /** Font files given to resvg; empty when none was found (system fonts are loaded instead). */
  readonly files: readonly string[];
  /** Where the font came from. */
  readonly source: 'option' | 'env' | 'package' | 'system' | 'none';
  /** Set when no font file was found: what to install. */
  readonly warning?: string;
}

export interface PlotFontOptions {
  /** A .ttf / .otf file to draw text with. */
  readonly file?: string;
  /** Its family name, for the SVG; 'DejaVu Sans' by default (resvg falls back to the loaded file anyway). */
  readonly family?: string;
  /** process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** System paths to try; SYSTEM_FONT_CANDIDATES by default. */
  readonly candidates?: readonly string[];
  /** Try the npm package (true by default). */
  readonly usePackage?: boolean;
}

/** The font for the plots, found in the order above; throws if a named file does not exist. */
export function resolvePlotFont(options: PlotFontOptions = {}): PlotFont {
  const family = options.family ?? DEFAULT_FONT_FAMILY;
  if (options.file !== undefined) return { family, files: withBold(requireFile(options.file, 'the plot font file')), source: 'option' };

  const fromEnv = (options.env ?? process.env)[PLOT_FONT_ENV] ?? '';
  if (fromEnv !== '') return { family, files: withBold(requireFile(fromEnv, PLOT_FONT_ENV)), source: 'env' };

  const packaged = options.usePackage === false ? undefined : packageFont();
  if (packaged !== undefined) return { family: DEFAULT_FONT_FAMILY, files: withBold(packaged), source: 'package' };

  const system = (options.candidates ?? SYSTEM_FONT_CANDIDATES).find((path) => existsSync(path));
  if (system !== undefined) return { family: DEFAULT_FONT_FAMILY, files: withBold(system), source: 'system' };

  return {
    family,
    files: [],
    source: 'none',
    warning:
      `no font file found for the plots: their text may be missing. ` +
      `Install one: 'npm install ${FONT_PACKAGE}', or 'apt-get install fonts-dejavu-core', ` +
      `or set ${PLOT_FONT_ENV}=path/to/font.ttf`,
  };
}

/** DejaVuSans.ttf from the npm package, if installed. */
function packageFont(): string | undefined {
  try {
    const path = createRequire(import.meta.url).resolve(`${FONT_PACKAGE}/ttf/DejaVuSans.ttf`);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new ReportInputError(`${what} '${path}' does not exist; give a path to a .ttf or .otf file`);
  return path;
}

/** `regular` and, when it sits beside it, its bold face (X.ttf → X-Bold.ttf). */
function withBold(regular: string): readonly string[] {
  const name = basename(regular);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return [regular];
  const bold = join(dirname(regular), `${name.slice(0, dot)}-Bold${name.slice(dot)}`);
  return existsSync(bold) ? [regular, bold] : [regular];
}

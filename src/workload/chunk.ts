// Splitting documents into retrievable chunks.

export type ChunkUnit = 'words' | 'chars';

/**
 * Chunks of `size` words (split on whitespace, joined by single spaces) or `size` characters
 * (code points); the last chunk may be shorter, and a text without words gives no chunk.
 */
export function chunkText(text: string, size: number, unit: ChunkUnit = 'words'): string[] {
  const parts = unit === 'words' ? text.split(/\s+/).filter((w) => w.length > 0) : Array.from(text);
  const joiner = unit === 'words' ? ' ' : '';
  const chunks: string[] = [];
  for (let i = 0; i < parts.length; i += size) chunks.push(parts.slice(i, i + size).join(joiner));
  // NOTE: a character chunk of only whitespace is kept: dropping it would renumber the chunks.
  return chunks;
}

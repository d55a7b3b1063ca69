const N = 4;

/** A text's 4-grams with their counts, computed once per text. */
export interface Ngrams {
  counts: Map<string, number>;
  size: number;
}

export function ngramsOf(text: string): Ngrams {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (let i = 0; i + N <= chars.length; i++) {
    const gram = chars.slice(i, i + N).join('');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return { counts, size: Math.max(0, chars.length - N + 1) };
}

/**
 * The distance of two texts by their 4-grams, as ClickHouse's ngramDistanceUTF8 defines it:
 * the size of the symmetric difference of the two multisets over the sum of their sizes
 * (0: the same 4-grams; 1: none shared). Texts shorter than 4 characters have none.
 */
export function ngramDistance(a: Ngrams | string, b: Ngrams | string): number {
  const left = typeof a === 'string' ? ngramsOf(a) : a;
  const right = typeof b === 'string' ? ngramsOf(b) : b;
  const total = left.size + right.size;
  if (total === 0) return 0;
  let shared = 0;
  for (const [gram, count] of left.counts) shared += Math.min(count, right.counts.get(gram) ?? 0);
  return (total - 2 * shared) / total;
}

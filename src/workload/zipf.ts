// Skewed popularity: rank r (0-based) is drawn with probability ∝ 1 / (r + 1)^s, so rank 0 is the
// most popular. s = 0 is uniform; s ≈ 1 is the classic web / retrieval skew.

/** A sampler of ranks in [0, n) with P(r) ∝ 1 / (r + 1)^exponent; O(n) setup, O(log n) per draw. */
export function createZipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / Math.pow(r + 1, exponent);
    cdf[r] = total;
  }
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    // The first rank whose cumulative weight exceeds u.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

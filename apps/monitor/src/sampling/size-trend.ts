const DAY_MS = 86_400_000;
/** Samples spanning less than this say nothing reliable about growth. */
const MIN_FIT_SPAN_MS = 3_600_000;

/**
 * Running sums of a least-squares fit of size against time, x in days since `originMs` (kept
 * small, so the sums stay exact enough in doubles), y in bytes.
 */
export interface SizeFitSums {
  readonly originMs: number;
  readonly count: number;
  readonly sumX: number;
  readonly sumY: number;
  readonly sumXX: number;
  readonly sumXY: number;
  /** The oldest sample's time, or null without samples. */
  readonly firstSampledAt: number | null;
  /** The newest sample's time, or null without samples. */
  readonly lastSampledAt: number | null;
}

/** A database's growth over its recent samples, and when it reaches the limit at that rate. */
export interface SizeTrend {
  /** The slope of the fitted line; null without enough samples (two, an hour apart). */
  readonly growthBytesPerDay: number | null;
  /** Days until the limit at that growth; 0 when already there; null when not growing. */
  readonly daysToFull: number | null;
}

/** Sums over no samples, for a fit whose x counts days from `originMs`. */
export function emptyFitSums(originMs: number): SizeFitSums {
  return { originMs, count: 0, sumX: 0, sumY: 0, sumXX: 0, sumXY: 0, firstSampledAt: null, lastSampledAt: null };
}

/**
 * Adds one sample to the sums (the one just measured, not yet stored).
 *
 * @example
 * ```ts
 * const sums = addToFit(emptyFitSums(start), { sampledAt: start + 86_400_000, sizeBytes: 5_000_000 });
 * ```
 */
export function addToFit(sums: SizeFitSums, sample: { readonly sampledAt: number; readonly sizeBytes: number }): SizeFitSums {
  const x = (sample.sampledAt - sums.originMs) / DAY_MS;
  return {
    originMs: sums.originMs,
    count: sums.count + 1,
    sumX: sums.sumX + x,
    sumY: sums.sumY + sample.sizeBytes,
    sumXX: sums.sumXX + x * x,
    sumXY: sums.sumXY + x * sample.sizeBytes,
    firstSampledAt: Math.min(sums.firstSampledAt ?? sample.sampledAt, sample.sampledAt),
    lastSampledAt: Math.max(sums.lastSampledAt ?? sample.sampledAt, sample.sampledAt),
  };
}

/**
 * The least-squares line through the samples (the growth per day is its slope) and the days
 * left until `limitBytes` from the current size at that rate. Shrinking or flat databases have no
 * days to full; a database at or over the limit has 0.
 *
 * @example
 * ```ts
 * const { growthBytesPerDay, daysToFull } = sizeTrend(sums, 8_000_000_000, 10_000_000_000);
 * ```
 */
export function sizeTrend(sums: SizeFitSums, currentSizeBytes: number, limitBytes: number): SizeTrend {
  const span = (sums.lastSampledAt ?? 0) - (sums.firstSampledAt ?? 0);
  const spreadX = sums.sumXX - (sums.sumX * sums.sumX) / sums.count;
  if (sums.count < 2 || span < MIN_FIT_SPAN_MS || spreadX <= 0)
    return { growthBytesPerDay: null, daysToFull: currentSizeBytes >= limitBytes ? 0 : null };
  const growthBytesPerDay = (sums.sumXY - (sums.sumX * sums.sumY) / sums.count) / spreadX;
  if (currentSizeBytes >= limitBytes) return { growthBytesPerDay, daysToFull: 0 };
  return { growthBytesPerDay, daysToFull: growthBytesPerDay > 0 ? (limitBytes - currentSizeBytes) / growthBytesPerDay : null };
}

/**
 * The size at which a waddle's message-taking database (its primary, then its active shard) gets
 * a new message shard by default: 400 MB, about 956,000 messages at the measured 418.4 bytes per
 * message (`storage.bytes_per_message`, mentions and the search index included; docs/benchmark.md).
 * The monitor's `SHARD_THRESHOLD_BYTES` overrides it (tiny in tests).
 *
 * What bounds it, measured on local D1 (docs/message-shards.md, "Default threshold"):
 *
 * - **The search-index rewrite of an erasure** (`erasure.optimize_ms`), the one per-shard job that
 *   grows with the whole shard: 3.5 s at 1,000,000 messages in the quiet run of docs/benchmark.md,
 *   5.0 s in an earlier one. D1 stops a query at 30 s (developers.cloudflare.com/d1/platform/limits/);
 *   the budget is a third of it, 10 s. At the slower rate (5.0 µs per message) 10 s is reached near
 *   2,000,000 messages; the default takes half of that, about 1,000,000 messages, rounded down to
 *   400 MB: room for a slower machine and for a sealed shard's index to grow by edits. Built at
 *   this size (956,000 messages) on a machine about 5.5 times slower than the quiet run (its round
 *   trip 6.7 ms against 1.22 ms), the rewrite took 17.0 s: 3.1 s at the quiet run's speed.
 * - **Room after sealing**: a sealed shard keeps taking edits, reactions and attachments' rows
 *   under D1's 10 GB per database (same page): at 400 MB it has 25 times its size left, so
 *   storage never binds before the index rewrite does.
 */
export const DEFAULT_SHARD_THRESHOLD_BYTES = 400_000_000;

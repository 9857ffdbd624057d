import type { RoundTripRatio } from './against-round-trip.ts';
import type { MentionCase } from './mention-cases.ts';

/** Issue 17's budget: each mention and follow case within this many round trips (`d1.roundtrip_ms`) of the same run. */
export const MENTION_BUDGET_ROUND_TRIPS = 2;

/** A mention or follow case against its budget. */
export interface MentionBudget {
  readonly key: 'mentions.inbox_ms' | 'mentions.unread_ms' | 'follows.list_ms';
  /** The case and the round trip beside it, and the case in round trips (`timeAgainstRoundTrip`). */
  readonly ms: number;
  readonly roundTripMs: number;
  readonly roundTrips: number;
  readonly met: boolean;
}

const KEYS = { mentions_inbox: 'mentions.inbox_ms', mentions_unread: 'mentions.unread_ms', follows_list: 'follows.list_ms' } as const;

/**
 * The budgets of the mention and follow cases that were timed side by side with the round trip:
 * a case meets it when the median of its rounds' ratios is at most
 * {@link MENTION_BUDGET_ROUND_TRIPS}.
 */
export function mentionBudgets(timed: Partial<Record<MentionCase, RoundTripRatio>>): MentionBudget[] {
  return (Object.keys(KEYS) as MentionCase[]).flatMap((name) => {
    const ratio = timed[name];
    return ratio === undefined ? [] : [{ key: KEYS[name], ...ratio, met: ratio.roundTrips <= MENTION_BUDGET_ROUND_TRIPS }];
  });
}

/** One line per budget: `mentions.unread_ms 2.140 round trips (3.412 ms beside a round trip of 1.594 ms), budget 2: met`. */
export function mentionBudgetLines(budgets: readonly MentionBudget[]): string[] {
  return budgets.map(
    (budget) =>
      `${budget.key} ${budget.roundTrips.toFixed(3)} round trips (${budget.ms.toFixed(3)} ms beside a round trip of ${budget.roundTripMs.toFixed(3)} ms), budget ${MENTION_BUDGET_ROUND_TRIPS}: ${budget.met ? 'met' : 'MISSED'}`,
  );
}

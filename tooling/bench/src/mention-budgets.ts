import type { BenchCase } from './bench-cases.ts';

/** Issue 17's budget: each mention and follow case within this many round trips (`d1.roundtrip_ms`) of the same run. */
export const MENTION_BUDGET_ROUND_TRIPS = 2;

/** A mention or follow case against its budget. */
export interface MentionBudget {
  readonly key: 'mentions.inbox_ms' | 'mentions.unread_ms' | 'follows.list_ms';
  readonly ms: number;
  readonly budgetMs: number;
  readonly met: boolean;
}

const KEYS = { mentions_inbox: 'mentions.inbox_ms', mentions_unread: 'mentions.unread_ms', follows_list: 'follows.list_ms' } as const;

/**
 * The budgets of the mention and follow cases that were timed, from the means of one run
 * (`roundtrip` among them; without it there is nothing to hold them to and the list is empty).
 */
export function mentionBudgets(means: Partial<Record<BenchCase, number>>): MentionBudget[] {
  const roundTrip = means.roundtrip;
  if (roundTrip === undefined) return [];
  const budgetMs = MENTION_BUDGET_ROUND_TRIPS * roundTrip;
  return (Object.keys(KEYS) as (keyof typeof KEYS)[]).flatMap((name) => {
    const ms = means[name];
    return ms === undefined ? [] : [{ key: KEYS[name], ms, budgetMs, met: ms <= budgetMs }];
  });
}

/** One line per budget: `mentions.unread_ms 1.234 ms, budget 1.500 ms (2 × d1.roundtrip_ms): met`. */
export function mentionBudgetLines(budgets: readonly MentionBudget[]): string[] {
  return budgets.map(
    (budget) =>
      `${budget.key} ${budget.ms.toFixed(3)} ms, budget ${budget.budgetMs.toFixed(3)} ms (${MENTION_BUDGET_ROUND_TRIPS} × d1.roundtrip_ms): ${budget.met ? 'met' : 'MISSED'}`,
  );
}

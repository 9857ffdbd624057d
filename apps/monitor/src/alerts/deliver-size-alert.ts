import type { SizeAlert } from './size-alert.ts';

/** What became of an alert: posted (2xx), failed (retried at the database's next sample), or no webhook configured. */
export type AlertDelivery =
  | { readonly status: 'delivered' }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'not-configured' };

/**
 * POSTs an alert as JSON to the webhook, within 10 s. Never throws: a network error, a timeout or
 * a non-2xx answer is a `failed` delivery with the reason.
 *
 * @example
 * ```ts
 * const delivery = await deliverSizeAlert(fetch, env.ALERT_WEBHOOK_URL ?? null, alert);
 * ```
 */
export async function deliverSizeAlert(send: typeof fetch, webhookUrl: string | null, alert: SizeAlert): Promise<AlertDelivery> {
  if (webhookUrl === null) return { status: 'not-configured' };
  try {
    const response = await send(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alert),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.ok ? { status: 'delivered' } : { status: 'failed', error: `webhook answered ${response.status}` };
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A slice's lease stayed with another provisioning or rebalance for longer than the caller was
 * willing to wait: nothing was uploaded or registered by this attempt. `holder` is who had it
 * when the wait ended (`null` if it was released meanwhile).
 */
export class SliceBusyError extends Error {
  override readonly name = 'SliceBusyError';
  readonly slice: string;
  readonly holder: string | null;

  constructor(slice: string, holder: string | null, waitedMs: number) {
    super(`slice ${slice} stayed leased to ${holder ?? 'another run'} for ${waitedMs} ms; try again`);
    this.slice = slice;
    this.holder = holder;
  }
}

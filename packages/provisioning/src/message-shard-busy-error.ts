/**
 * Another switch holds the waddle's shard lease (`shard:<waddle id>`): nothing was done by this
 * attempt. Try again later; a switch that died gives the lease up when it expires.
 */
export class MessageShardBusyError extends Error {
  override readonly name = 'MessageShardBusyError';
  readonly waddleId: number;

  constructor(waddleId: number) {
    super(`waddle ${waddleId}: another switch of its message shards is running; try again`);
    this.waddleId = waddleId;
  }
}

// Pacing for the HTTP client: a token bucket over an injectable clock, so that requests to
// police.uk keep within its documented rate and tests can run the bucket without waiting.

/** police.uk documents a leaky bucket of 15 requests a second with bursts of 30. */
export const POLICE_API_PACE = { perSecond: 15, burst: 30 } as const;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket: `burst` requests may go at once, then `perSecond` on average. Waiters are
 * served in the order they asked.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  readonly perSecond: number;
  readonly burst: number;
  private readonly clock: Clock;

  constructor(perSecond: number, burst: number, clock: Clock = realClock) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Resolves when one request may be sent (and spends its token). */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn;
    return turn;
  }

  private async takeInTurn(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }
}

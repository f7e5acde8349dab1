import type { Clock } from '../../db/sending/sending';

/** A clock that jumps forward on every sleep: minutes of pacing pass in milliseconds. */
export class FakeClock implements Clock {
  constructor(public t: number, private readonly onAdvance?: (t: number) => void | Promise<void>) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.t += Math.max(1, ms);
    await this.onAdvance?.(this.t);
    await new Promise((r) => setImmediate(r));
  }
}

/** A source of the current time in epoch milliseconds. Injected everywhere time matters. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that can be moved forward: what the emulator's clock travel needs. */
export interface TravelClock extends Clock {
  advance(ms: number): void;
}

export function isTravelClock(clock: Clock): clock is TravelClock {
  return typeof (clock as Partial<TravelClock>).advance === 'function';
}

/** A clock that only moves when told to; tests and the emulator's clock travel use it. */
export class ManualClock implements TravelClock {
  constructor(private ms: number = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The system clock shifted by an offset that can grow, for clock travel on a live server. */
export class OffsetClock implements TravelClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

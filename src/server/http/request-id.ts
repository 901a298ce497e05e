import { randomInt } from 'node:crypto';

const FIRST = 0x1000;
const SPAN = 0xfffff - FIRST + 1;

/**
 * Marketo's requestId: a short hex token, `#`, then the request time in epoch ms as lowercase hex
 * (e.g. `9b02#171c80e02f6`); the first part is 4 or 5 hex digits, as in real captures. It counts
 * up from a random start instead of drawing random bytes per call (`randomFillSync` was 4 % of a
 * status call under load), so two calls of one server never share an id within a millisecond.
 */
export function requestIdGenerator(start: number = randomInt(SPAN)): (nowMs: number) => string {
  let n = start % SPAN;
  return (nowMs) => {
    n = n + 1 === SPAN ? 0 : n + 1;
    return `${(FIRST + n).toString(16)}#${nowMs.toString(16)}`;
  };
}

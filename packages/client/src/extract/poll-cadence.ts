/**
 * How often `tidemark extract` calls the API about its jobs.
 *
 * Status polling: a wait polls at once, then after 250 ms, each delay 1.07 times the last, up to
 * 30 s. A job is seen done within about 7 % of its run time plus 250 ms (within 30 s once it has
 * run ~7 min), where 1 s x 1.5 up to 60 s took up to 50 % (a job done after 6 s was seen at 8.1 s).
 *
 * Marketo (and Tidemark's default --rate-limit) allow 100 calls in any 20 s per instance. One wait
 * makes at most 28 status calls in any 20 s: its first 20 s hold the most (250 ms x (1.07^k - 1)
 * / 0.07 <= 20 s for k <= 27 delays, plus the first call). The default 2 waits at once make at
 * most 56, plus a create and an enqueue each: 60. More waits (--concurrency up to 10), or short
 * jobs back to back in a slot, could make more; so the calls a run makes per window or on a timer
 * (status, create, enqueue) share CALL_BUDGET, 60 in any 20 s, which 2 waits for long jobs never
 * reach. Each window makes one file request per 3 or more of those calls, so a run stays at or
 * under 80 calls in any 20 s, plus a cancel per open job when it is interrupted.
 */
export const FIRST_POLL_MS = 250;
export const POLL_BACKOFF = 1.07;
export const MAX_POLL_MS = 30_000;
export const CALL_BUDGET = { calls: 60, windowMs: 20_000 };
/** The wait between enqueue attempts while the server's queue is full (someone else's jobs), doubling. */
export const QUEUE_FULL_FIRST_MS = 1000;
export const QUEUE_FULL_MAX_MS = 60_000;

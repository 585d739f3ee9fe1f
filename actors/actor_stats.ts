/**
 * Plain per-actor counters, read from the host side at any time with `ActorRef.stats()` (a copy).
 * A later issue exports them as metrics; they are cumulative over the actor's whole life, across
 * restarts.
 */
export interface ActorStats {
  /** Messages accepted and not yet finished: waiting in the mailbox plus in flight to the actor. */
  mailboxDepth: number;
  /** Messages finished for the first time (handled or dead-lettered), each counted once. */
  processed: number;
  /** Messages handled again after a restart to rebuild state (their outputs are not repeated). */
  replayed: number;
  /** Total handler time in ms, measured around `handle()` where it runs (replays included). */
  handlerMsTotal: number;
  /** Longest single `handle()` in ms. */
  handlerMsMax: number;
  /** Messages dead-lettered in either direction (see `ActorRef.deadLetters()`). */
  deadLetters: number;
  /** Messages dropped by a full `drop_oldest` mailbox. */
  dropped: number;
  /** Starts after the first one. */
  restarts: number;
  /** Wall clock (ms since epoch) when a message was last finished for the first time; null before. */
  lastProcessedAt: number | null;
}

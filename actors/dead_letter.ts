/** Which way a dead-lettered message was travelling. */
export const DeadLetterDirection = {
  /** To the actor: an invalid message, an unreadable envelope, or a poison message. */
  inbound: "inbound",
  /** From the actor: an invalid output, reply or envelope. */
  outbound: "outbound",
} as const;
/** One of `DeadLetterDirection`. */
export type DeadLetterDirection = typeof DeadLetterDirection[keyof typeof DeadLetterDirection];

/**
 * A message that was not delivered, kept (the last N per actor) for inspection. Dead letters are
 * counted and reported, never thrown.
 */
export interface DeadLetter {
  /** When the host learned of it, from the host's clock. */
  ts: number;
  direction: DeadLetterDirection;
  /** The `seq` of the message concerned; 0 when there is none (an unreadable envelope). */
  seq: number;
  /** Why, e.g. `n: Invalid input: expected number, received string`. */
  reason: string;
}

/**
 * An `ask` got no reply in time. Callers catch it (e.g. to retry later or degrade); the actor's
 * host treats the actor as hung and ends the incarnation, so a supervisor restarts it.
 */
export class AskTimeoutError extends Error {
  override readonly name = "AskTimeoutError";
  /** The actor asked. */
  readonly actorId: string;
  /** The `type` of the request message. */
  readonly messageType: string;
  /** The timeout that expired, in ms. */
  readonly timeoutMs: number;

  constructor(actorId: string, messageType: string, timeoutMs: number) {
    super(
      `Cannot get a reply from actor ${actorId} to ${messageType}: no reply within ${timeoutMs} ms`,
    );
    this.actorId = actorId;
    this.messageType = messageType;
    this.timeoutMs = timeoutMs;
  }
}

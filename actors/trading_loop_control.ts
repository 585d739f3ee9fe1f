import { z } from "zod";
import type { ActorStats } from "./actor_stats.ts";
import type { BookStatus } from "./portfolio_risk_actor.ts";

/** An operator command to a running trading loop. */
export const LoopCommand = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("kill"), reason: z.string().min(1).max(200) }),
  z.object({ kind: z.literal("resume") }),
]);
/** An operator command; see {@link LoopCommand}. */
export type LoopCommand = z.infer<typeof LoopCommand>;

/** The kill switch as the operator set it: on since `since` (event time, ms) for `reason`, or off. */
export interface KillState {
  active: boolean;
  reason?: string;
  since?: number;
}

/** One actor of the running tree, as the loop sees it. */
export interface LoopActor {
  /** Id in the tree: "symbol.BTCUSDT", "portfolio-risk", "execution", "recorder". */
  id: string;
  /** True while an incarnation is running (false between a crash and its restart). */
  alive: boolean;
  stats: ActorStats;
}

/** What a running loop answers about itself; attached by `runTradingLoop`. */
export interface LoopPort {
  /** The portfolio-risk book: positions, cash, equity, kill switch. */
  book(): Promise<BookStatus>;
  /** Every actor of the tree with its counters. */
  actors(): LoopActor[];
}

/**
 * The operator's handle on a running trading loop (the ops server's `POST /kill` and `/resume`).
 *
 * Commands are queued and the loop applies them at its next drain point: the start of every
 * market batch and before every intent is evaluated. So once `kill()` has returned, no new order
 * leaves the loop (orders only come out of an evaluation), and the open ones are cancelled at the
 * next market event. Applying a kill: the portfolio-risk book's kill switch goes on (every later
 * intent is blocked with reason `KILL`), every symbol's resting orders are cancelled (reason
 * `kill` in `orders.csv`) and one `cancel` row per symbol with reason `KILL` goes to
 * `guardrails.csv`. A resume turns the switch off and re-evaluates each symbol's standing intent.
 *
 * `take()` is what the loop calls at a drain point; a paper run overrides it to record commands on
 * its tape (and play them back on `--resume`), so a resumed run is killed exactly where it was.
 */
export class TradingLoopControl {
  #queue: LoopCommand[] = [];
  #kill: KillState = { active: false };
  #eventTs = 0;
  #port: LoopPort | null = null;

  /** The running loop, or null before it started and after it ended. */
  get port(): LoopPort | null {
    return this.#port;
  }

  /** Called by the loop when it starts (a port) and ends (null). */
  attach(port: LoopPort | null): void {
    this.#port = port;
  }

  /** The kill switch as requested (it holds from the next drain point on). */
  get kill(): KillState {
    return { ...this.#kill };
  }

  /** Event time of the last market batch the loop traded, ms (0 before the first). */
  get eventTs(): number {
    return this.#eventTs;
  }

  /** Asks for the kill switch; a second kill while killed changes nothing. */
  requestKill(reason: string): KillState {
    // the same schema the tape is read back with, so a taped kill always parses on --resume
    LoopCommand.parse({ kind: "kill", reason });
    if (!this.#kill.active) {
      this.#kill = { active: true, reason, since: this.#eventTs };
      this.#queue.push({ kind: "kill", reason });
    }
    return this.kill;
  }

  /** Asks to turn the kill switch off; a resume while not killed changes nothing. */
  requestResume(): KillState {
    if (this.#kill.active) {
      this.#kill = { active: false };
      this.#queue.push({ kind: "resume" });
    }
    return this.kill;
  }

  /** The commands to apply now, in order (called by the loop at each drain point). */
  take(): LoopCommand[] {
    return this.#queue.splice(0);
  }

  /** Told by the loop once it applied `command` at event time `ts`. */
  applied(command: LoopCommand, ts: number): void {
    if (command.kind === "kill") {
      this.#kill = { active: true, reason: command.reason, since: ts };
    } else if (this.#queue.every((c) => c.kind !== "kill")) {
      this.#kill = { active: false };
    }
  }

  /** Told by the loop after every market batch. */
  traded(ts: number): void {
    this.#eventTs = ts;
  }
}

import type { ModelKind } from "./metrics.ts";
import type { RetrainOutcome, RetrainRequest } from "./ops_requests.ts";

/** Options of {@link RetrainJobs}. */
export interface RetrainJobsOptions {
  /** The run directory: each job writes `<dir>/<job-id>.log`. */
  dir: string;
  /** The model store the run loads from (the job promotes into it). */
  store: string;
  /** The data directory, when not the default. */
  data?: string;
  /** Each traded symbol and the kind of model it trades. */
  kinds: Readonly<Record<string, ModelKind>>;
  /** End of the data a job may use (the market clock, so a sim run never trains on its future). */
  to: () => number;
  log: (line: string) => void;
  /** The command that runs `deno task retrain` (tests replace it). @default {Deno.execPath() run -A ops/retrain.ts} */
  command?: { exec: string; args: readonly string[] };
}

const REPO = new URL("..", import.meta.url).pathname;

/**
 * `POST /retrain` of a paper or live run: one job at a time runs `deno task retrain` for the
 * requested symbol (or each traded symbol in turn) on the data up to the market clock, with its
 * output in `<run dir>/<job-id>.log`. The retrain task promotes a new version in the model store
 * only when it scores at least as well on the held-out tail; the running actors keep trading the
 * model they started with (a later run, or `--resume`, loads the promoted one).
 */
export class RetrainJobs {
  readonly #options: RetrainJobsOptions;
  #running: string | null = null;
  #count = 0;
  #done: Promise<void> = Promise.resolve();

  constructor(options: RetrainJobsOptions) {
    this.#options = options;
  }

  /** The job running now, or null. */
  get running(): string | null {
    return this.#running;
  }

  /** Resolves when the last job started has ended. */
  settled(): Promise<void> {
    return this.#done;
  }

  /** Starts a job, or refuses while one runs. */
  start(request: RetrainRequest): RetrainOutcome {
    if (this.#running !== null) {
      return { accepted: false, reason: `a retrain is already running: ${this.#running}` };
    }
    const symbols = request.symbol === undefined
      ? Object.keys(this.#options.kinds).sort()
      : [request.symbol];
    const jobId = `retrain-${++this.#count}`;
    this.#running = jobId;
    this.#done = this.#run(jobId, symbols, request.reason ?? "operator").catch((cause) => {
      this.#options.log(`${jobId}: failed: ${cause instanceof Error ? cause.message : cause}`);
    }).finally(() => {
      this.#running = null;
    });
    return { accepted: true, jobId };
  }

  async #run(jobId: string, symbols: string[], reason: string): Promise<void> {
    const o = this.#options;
    const to = o.to();
    const path = `${o.dir}/${jobId}.log`;
    const store = o.store.startsWith("/") ? o.store : `${Deno.cwd()}/${o.store}`;
    const data = o.data === undefined || o.data.startsWith("/")
      ? o.data
      : `${Deno.cwd()}/${o.data}`;
    o.log(
      `${jobId}: retraining ${symbols.join(",")} on data before ${
        new Date(to).toISOString()
      } (${reason}); log ${path}`,
    );
    const command = o.command ?? { exec: Deno.execPath(), args: ["run", "-A", "ops/retrain.ts"] };
    const outcome: string[] = [];
    for (const symbol of symbols) {
      const args = [
        ...command.args,
        "--symbol",
        symbol,
        ...(o.kinds[symbol] === "h2" ? ["--h2"] : []),
        "--store",
        store,
        "--to",
        String(to),
        ...(data === undefined ? [] : ["--data", data]),
      ];
      const out = await new Deno.Command(command.exec, {
        args,
        cwd: REPO,
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).output();
      const text = new TextDecoder();
      const stdout = text.decode(out.stdout), stderr = text.decode(out.stderr);
      await Deno.writeTextFile(
        path,
        `$ retrain ${
          args.slice(command.args.length).join(" ")
        }\n${stderr}${stdout}exit ${out.code}\n`,
        { append: true },
      );
      const current = stdout.trim().split("\n").at(-1) ?? "";
      const last = stderr.trim().split("\n").at(-1) ?? "";
      outcome.push(out.success ? `${symbol} current ${current}` : `${symbol} failed: ${last}`);
    }
    o.log(`${jobId}: done: ${outcome.join("; ")}`);
  }
}

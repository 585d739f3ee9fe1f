import {
  encodeModelFile,
  type Manifest,
  MODEL_ID_PATTERN,
  type ModelFile,
  type ModelKind,
  parseModelFile,
} from "../models/model_file.ts";
import {
  type CurrentPointer,
  CurrentPointerSchema,
  encodePointer,
  pointerName,
  writeAtomic,
} from "./_model_store_pointer.ts";

export type { CurrentPointer } from "./_model_store_pointer.ts";

/**
 * The model store cannot do what was asked: a missing or corrupt model or pointer file, a file
 * whose content does not match its name, a different model under an existing id, nothing to roll
 * back to. `message` is one line naming the path; entry points print it and exit 2.
 */
export class ModelStoreError extends Error {
  override readonly name = "ModelStoreError";
  /** The file or directory concerned. */
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/** Which models `list` returns. */
export interface ModelQuery {
  symbol?: string;
  kind?: ModelKind;
}

/** Which model `latest` returns. */
export interface LatestQuery {
  symbol: string;
  kind: ModelKind;
  /** Only models trained on this feature schema hash. */
  schemaHash?: string;
  /** Only models usable from this time on: `training.to ≤ trainedBefore` (no look-ahead). */
  trainedBefore?: number;
}

/** What `save` did. */
export interface SaveResult {
  id: string;
  path: string;
  /** False when the same bytes were already stored under this id. */
  written: boolean;
}

const MODEL_FILE = /^((?:hmm|h2)-[0-9a-f]{12})\.json$/;

/**
 * Immutable, versioned models in a directory (default `<cwd>/store`, `--store DIR`): one
 * `<id>.json` per model (the canonical `encodeModelFile` text; the id is its content hash) and one
 * `current-<symbol>-<kind>.json` pointer per symbol and kind (see `promote`). The files are the
 * truth; there is no index. Every read goes through `parseModelFile`, so a file edited after it
 * was written is refused.
 */
export class ModelStore {
  /** The store directory. */
  readonly dir: string;

  /** @param dir the store directory; created on the first write. @default {`${Deno.cwd()}/store`} */
  constructor(dir: string = ModelStore.defaultDir()) {
    this.dir = dir;
  }

  /** `<cwd>/store`. */
  static defaultDir(): string {
    return `${Deno.cwd()}/store`;
  }

  /** Path of a model's file. */
  pathOf(id: string): string {
    return `${this.dir}/${id}.json`;
  }

  /**
   * Writes a model as `<id>.json`, atomically (temporary file + rename). Saving the same content
   * again is a no-op; a different content under an existing id is refused (`ModelStoreError`),
   * so a stored version never changes.
   */
  async save(file: ModelFile): Promise<SaveResult> {
    const text = encodeModelFile(file);
    const id = file.manifest.id;
    const path = this.pathOf(id);
    await Deno.mkdir(this.dir, { recursive: true });
    const existing = await readOrNull(path);
    if (existing !== null) {
      if (existing === text) return { id, path, written: false };
      throw new ModelStoreError(
        path,
        `Cannot save model ${id}: "${path}" already holds different content under that id`,
      );
    }
    await writeAtomic(this.dir, path, text);
    return { id, path, written: true };
  }

  /** Reads and checks one model. Throws `ModelStoreError` (one line, naming the path). */
  async load(id: string): Promise<ModelFile> {
    if (!MODEL_ID_PATTERN.test(id)) {
      throw new ModelStoreError(this.dir, `Cannot load model "${id}": not a model id`);
    }
    const path = this.pathOf(id);
    const text = await readOrNull(path);
    if (text === null) {
      throw new ModelStoreError(path, `Cannot load model ${id}: "${path}" does not exist`);
    }
    return parseAt(path, text, id);
  }

  /**
   * The manifests of every stored model matching the query, sorted by symbol, kind, training end
   * (`training.to`), then id. An empty or missing directory gives []. A corrupt file throws
   * `ModelStoreError` naming it.
   */
  async list(query: ModelQuery = {}): Promise<Manifest[]> {
    const out: Manifest[] = [];
    for (const id of await this.#ids()) {
      const file = await this.load(id);
      const m = file.manifest;
      if (query.symbol !== undefined && m.symbol !== query.symbol) continue;
      if (query.kind !== undefined && m.kind !== query.kind) continue;
      out.push(m);
    }
    return out.sort((a, b) =>
      cmp(a.symbol, b.symbol) || cmp(a.kind, b.kind) || a.training.to - b.training.to ||
      cmp(a.id, b.id)
    );
  }

  /**
   * The newest usable model: same symbol and kind, the given schema hash, and `training.to ≤
   * trainedBefore` (a model may only trade data after its training span). Newest = largest
   * `training.to`, then largest `training.from` (the shorter, more recent window), then smallest
   * id. Null when none qualifies.
   */
  async latest(query: LatestQuery): Promise<ModelFile | null> {
    const usable = (await this.list({ symbol: query.symbol, kind: query.kind })).filter((m) =>
      (query.schemaHash === undefined || m.featureSchema.hash === query.schemaHash) &&
      (query.trainedBefore === undefined || m.training.to <= query.trainedBefore)
    );
    if (usable.length === 0) return null;
    usable.sort((a, b) =>
      b.training.to - a.training.to || b.training.from - a.training.from || cmp(a.id, b.id)
    );
    return await this.load(usable[0].id);
  }

  /** The current-model pointer of a symbol and kind, or null when none was promoted. */
  async current(symbol: string, kind: ModelKind): Promise<CurrentPointer | null> {
    const path = `${this.dir}/${pointerName(symbol, kind)}`;
    const text = await readOrNull(path);
    if (text === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelStoreError(path, `Cannot read pointer "${path}": not JSON`);
    }
    const parsed = CurrentPointerSchema.safeParse(json);
    if (!parsed.success || parsed.data.symbol !== symbol || parsed.data.kind !== kind) {
      const issue = parsed.success
        ? "symbol or kind differs from its name"
        : `${parsed.error.issues[0].path.join(".") || "(root)"}: ${parsed.error.issues[0].message}`;
      throw new ModelStoreError(path, `Cannot read pointer "${path}": ${issue}`);
    }
    return parsed.data;
  }

  /**
   * Makes a stored model the current one of its symbol and kind (`current-<symbol>-<kind>.json`,
   * written atomically); the replaced id is appended to the pointer's history. Promoting the
   * current id again changes nothing. Throws `ModelStoreError` when the model is not stored.
   */
  async promote(id: string): Promise<CurrentPointer> {
    const m = (await this.load(id)).manifest;
    const now = await this.current(m.symbol, m.kind);
    if (now !== null && now.id === id) return now;
    const next: CurrentPointer = {
      format: 1,
      symbol: m.symbol,
      kind: m.kind,
      id,
      history: now === null ? [] : [...now.history, now.id],
    };
    await writeAtomic(
      this.dir,
      `${this.dir}/${pointerName(m.symbol, m.kind)}`,
      encodePointer(next),
    );
    return next;
  }

  /**
   * Moves the pointer back to the version it replaced last (that id leaves the history; the
   * rolled-back version stays stored). Throws `ModelStoreError` when there is no pointer or no
   * earlier version.
   */
  async rollback(symbol: string, kind: ModelKind): Promise<CurrentPointer> {
    const path = `${this.dir}/${pointerName(symbol, kind)}`;
    const now = await this.current(symbol, kind);
    if (now === null || now.history.length === 0) {
      throw new ModelStoreError(
        path,
        `Cannot roll back ${symbol} ${kind}: ${
          now === null
            ? `no current model ("${path}" does not exist)`
            : `${now.id} has no predecessor`
        }`,
      );
    }
    const previous = now.history[now.history.length - 1];
    await this.load(previous);
    const next: CurrentPointer = { ...now, id: previous, history: now.history.slice(0, -1) };
    await writeAtomic(this.dir, path, encodePointer(next));
    return next;
  }

  async #ids(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const e of Deno.readDir(this.dir)) {
        const m = MODEL_FILE.exec(e.name);
        if (e.isFile && m !== null) ids.push(m[1]);
      }
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return [];
      throw new ModelStoreError(
        this.dir,
        `Cannot list model store "${this.dir}": ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return ids.sort();
  }
}

function parseAt(path: string, text: string, id: string): ModelFile {
  let file: ModelFile;
  try {
    file = parseModelFile(text);
  } catch (e) {
    throw new ModelStoreError(
      path,
      `Cannot load "${path}": ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (file.manifest.id !== id) {
    throw new ModelStoreError(path, `Cannot load "${path}": it holds model ${file.manifest.id}`);
  }
  return file;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new ModelStoreError(
      path,
      `Cannot read "${path}": ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import { DataFileError } from "./data_file_error.ts";

/**
 * Cuts decoded text chunks at line boundaries without ever holding the whole file: keeps the
 * partial last line of a chunk and prepends it to the next. {@link LineSplitter.push} returns
 * text made of whole lines (each ending in `\n`), {@link LineSplitter.end} the unterminated
 * rest. Use {@link forEachLine} to walk the lines of such a text.
 */
export class LineSplitter {
  #rest = "";

  /** Appends a chunk; returns the whole lines completed so far ("" if none). */
  push(chunk: string): string {
    const text = this.#rest + chunk;
    const cut = text.lastIndexOf("\n") + 1;
    this.#rest = text.slice(cut);
    return cut === text.length ? text : text.slice(0, cut);
  }

  /** The unterminated last line ("" if none); resets the splitter. */
  end(): string {
    const rest = this.#rest;
    this.#rest = "";
    return rest;
  }
}

/**
 * Calls `fn(text, start, end)` for each line of `text` (terminators `\n` or `\r\n` excluded
 * from `[start, end)`), without slicing. A text ending in a newline has no empty last line;
 * an empty text has no line.
 */
export function forEachLine(
  text: string,
  fn: (text: string, start: number, end: number) => void,
): void {
  let start = 0;
  const n = text.length;
  while (start < n) {
    let nl = text.indexOf("\n", start);
    if (nl === -1) nl = n;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    fn(text, start, end);
    start = nl + 1;
  }
}

/** The lines of `text` as strings ({@link forEachLine} semantics). */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  forEachLine(text, (t, s, e) => lines.push(t.slice(s, e)));
  return lines;
}

/**
 * Streams a text file as texts of whole lines: `Deno.open` → (`DecompressionStream("gzip")`
 * when the name ends in `.gz`) → `TextDecoderStream` (UTF-8; invalid bytes become U+FFFD, never
 * an error) → {@link LineSplitter}. One text per decoded chunk (about 64 KiB), so memory stays
 * bounded whatever the file size; walk each with {@link forEachLine}.
 *
 * @throws DataFileError (one line) when the file is missing or unreadable, or its gzip stream is
 *   corrupt or cut short; texts yielded before that point have already been delivered.
 */
export async function* readLineChunks(path: string): AsyncGenerator<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    throw fileError(path, e);
  }
  let bytes: ReadableStream<Uint8Array> = file.readable;
  if (path.endsWith(".gz")) {
    bytes = bytes.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  const reader = bytes.pipeThrough(new TextDecoderStream()).getReader();
  const splitter = new LineSplitter();
  try {
    while (true) {
      let step: ReadableStreamReadResult<string>;
      try {
        step = await reader.read();
      } catch (e) {
        throw fileError(path, e);
      }
      if (step.done) break;
      const text = splitter.push(step.value);
      if (text !== "") yield text;
    }
    const last = splitter.end();
    if (last !== "") yield last;
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** As {@link readLineChunks}, as batches of line strings (for small files). */
export async function* readLineBatches(path: string): AsyncGenerator<string[]> {
  for await (const text of readLineChunks(path)) yield splitLines(text);
}

function fileError(path: string, e: unknown): DataFileError {
  const why = e instanceof Deno.errors.NotFound
    ? "file not found"
    : e instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : e instanceof Deno.errors.IsADirectory
    ? "it is a directory"
    : e instanceof Error
    ? e.message.split("\n")[0]
    : String(e);
  return new DataFileError(path, `Cannot read data file "${path}": ${why}`, { cause: e });
}

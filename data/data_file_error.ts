/**
 * A data directory or data file that cannot be used at all: missing, not a directory, wrong
 * layout, unreadable or corrupt as a whole (e.g. a gzip stream that ends early). Bad *rows*
 * never raise this: they are dropped or flagged by the data QA and counted. Entry points print
 * `message` (one line) and exit 2.
 */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
  /** The path that could not be used, as given by the caller. */
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

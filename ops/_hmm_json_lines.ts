/**
 * The lines of a byte stream as they arrive (split on "\n", a trailing "\r" kept for the caller
 * to ignore), without reading the whole stream first. Long lines (hundreds of KB) are gathered
 * from their chunks once. The last line is yielded even without a final newline.
 */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let parts: string[] = [];
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl = text.indexOf("\n", start);
    while (nl !== -1) {
      parts.push(text.slice(start, nl));
      yield parts.length === 1 ? parts[0] : parts.join("");
      parts = [];
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    if (start < text.length) parts.push(text.slice(start));
  }
  const tail = decoder.decode();
  if (tail !== "") parts.push(tail);
  if (parts.length > 0) yield parts.join("");
}

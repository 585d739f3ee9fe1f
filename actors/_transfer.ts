/**
 * The buffers behind the top-level typed-array fields of a batch message, deduplicated: what
 * `tellBatch` moves instead of copying. Shared buffers are skipped (they cannot be transferred).
 */
export function transferListOf(message: object): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const value of Object.values(message)) {
    if (!ArrayBuffer.isView(value) || !(value.buffer instanceof ArrayBuffer)) continue;
    if (!buffers.includes(value.buffer)) buffers.push(value.buffer);
  }
  return buffers;
}

/** A shallow copy of `message` whose top-level typed arrays are copied too (for a replay buffer). */
export function copyWithViews<T extends object>(message: T): T {
  const copy: Record<string, unknown> = { ...(message as Record<string, unknown>) };
  for (const [key, value] of Object.entries(message)) {
    if (!ArrayBuffer.isView(value)) continue;
    copy[key] = value instanceof DataView
      ? new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
      : (value as unknown as { slice(): unknown }).slice();
  }
  return copy as T;
}

/**
 * Calls `probe` every 200 ms until it returns a value other than undefined (errors count as not
 * yet), or fails after `ms` with what it waited for and the last error.
 */
export async function poll<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}: last error ${last}`);
}

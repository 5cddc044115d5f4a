/** Polls `check` until it returns a truthy value or the deadline passes (no blind sleeps). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 5000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `waitFor timed out after ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
  );
}

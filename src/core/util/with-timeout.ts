/**
 * Rejects with `timed out after N ms` unless `work` settles first. The timer never holds the
 * process and is cleared as soon as the work settles. One promise and one reaction instead of
 * `Promise.race` + `finally` (seven): on Node 20 each costs the correlation ids'
 * AsyncLocalStorage a step, and the chat path calls this twice per chat (bench/README.md).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

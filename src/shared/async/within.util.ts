/**
 * Settles with `fallback` after `ms` when `promise` has not settled; a rejection also gives `fallback`.
 * For waits that must answer in time whatever the work does (HTTP answers bounded by main's time-outs).
 */
export function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), Math.max(0, ms));
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

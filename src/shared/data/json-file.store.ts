import { watch, promises as fs, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { writeFileAtomic } from './atomic-file';
import { deepEqual, parseStrictJson, rewriteJson, serializeJson } from './json-edit';

export interface JsonFileStoreOptions<T> {
  /** Value used when the file is missing or unreadable (built-in defaults of N.E.K.O.). */
  readonly defaults: () => T;
  /** Turns whatever is on disk into a typed value; must not throw for wrong shapes, only fall back. */
  readonly coerce: (raw: unknown) => T;
  readonly onWarning?: (message: string) => void;
}

interface Snapshot<T> {
  readonly signature: string;
  readonly raw: string | undefined;
  readonly value: T;
}

function signatureOf(stats: Stats | undefined): string {
  return stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}` : 'missing';
}

/**
 * One JSON file of the data folder. Reads are cached and revalidated by stat; writes are
 * serialised, atomic, and change only the bytes of the values that changed, so unknown keys
 * written by N.E.K.O. (or by the user) survive untouched. Changes made by this process or by
 * another one (seen through fs.watch) are published on `changes$`.
 */
export class JsonFileStore<T> {
  private snapshot: Snapshot<T> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly changes = new Subject<T>();
  readonly changes$: Observable<T> = this.changes.asObservable();

  constructor(
    readonly path: string,
    private readonly options: JsonFileStoreOptions<T>,
  ) {}

  /** Current value (a fresh deep copy the caller may mutate). */
  async read(): Promise<T> {
    return structuredClone((await this.load()).value);
  }

  /**
   * Read-modify-write under this store's lock. The mutator gets a copy and returns the new value
   * (or mutates the copy and returns nothing). Returns the value written.
   */
  update(mutator: (draft: T) => T | void): Promise<T> {
    const run = this.queue.then(async () => {
      const current = await this.load();
      const draft = structuredClone(current.value);
      const next = mutator(draft) ?? draft;
      if (deepEqual(next, current.value) && current.raw !== undefined) return structuredClone(next);
      await this.write(current, next);
      return structuredClone(next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Start watching the folder for writes by other processes (rename-safe). */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name !== null && name !== basename(this.path)) return;
        clearTimeout(this.watchTimer);
        this.watchTimer = setTimeout(() => void this.refreshFromDisk(), 30);
      });
      this.watcher.on('error', () => this.close());
    } catch (err) {
      this.options.onWarning?.(`cannot watch ${this.path}: ${(err as Error).message}`);
    }
  }

  close(): void {
    clearTimeout(this.watchTimer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async refreshFromDisk(): Promise<void> {
    const before = this.snapshot;
    const after = await this.load().catch(() => undefined);
    if (after && before && after.signature !== before.signature && !deepEqual(before.value, after.value)) {
      this.changes.next(structuredClone(after.value));
    }
  }

  private async load(): Promise<Snapshot<T>> {
    const stats = await fs.stat(this.path).catch(() => undefined);
    const signature = signatureOf(stats);
    if (this.snapshot?.signature === signature) return this.snapshot;
    let raw: string | undefined;
    let value: T;
    try {
      raw = stats ? await fs.readFile(this.path, 'utf8') : undefined;
      value = raw === undefined ? this.options.defaults() : this.options.coerce(parseStrictJson(raw));
    } catch (err) {
      // Unreadable or broken JSON: behave as N.E.K.O. (defaults) but remember the file is broken,
      // so the next write keeps a copy instead of silently destroying the user's data.
      this.options.onWarning?.(`${this.path} is not valid JSON (${(err as Error).message}); using defaults`);
      value = this.options.defaults();
      raw = undefined;
    }
    this.snapshot = { signature, raw, value };
    return this.snapshot;
  }

  private async write(current: Snapshot<T>, next: T): Promise<void> {
    await fs.mkdir(dirname(this.path), { recursive: true });
    if (current.raw === undefined && current.signature !== 'missing') {
      const backup = `${this.path}.broken-${Date.now()}`;
      await fs.copyFile(this.path, backup).catch(() => undefined);
      this.options.onWarning?.(`kept the unreadable ${basename(this.path)} as ${basename(backup)}`);
    }
    const text = current.raw === undefined ? serializeJson(next) : rewriteJson(current.raw, next);
    await writeFileAtomic(this.path, text);
    const stats = await fs.stat(this.path);
    this.snapshot = { signature: signatureOf(stats), raw: text, value: structuredClone(next) };
    this.changes.next(structuredClone(next));
  }
}

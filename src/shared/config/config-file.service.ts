import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { JsonFileStore, type JsonFileStoreOptions } from '../data/json-file.store';

/**
 * Base for the services that own one file of `config/`. Reads are cheap (stat-validated cache);
 * edits go through `update`, which keeps unknown keys byte for byte; `changes$` fires for writes
 * made by this process and (through fs.watch) by the other processes.
 */
export abstract class ConfigFileService<T> implements OnModuleInit, OnModuleDestroy {
  protected readonly logger: Logger;
  protected readonly store: JsonFileStore<T>;

  protected constructor(path: string, options: Omit<JsonFileStoreOptions<T>, 'onWarning'>) {
    this.logger = new Logger(new.target.name);
    this.store = new JsonFileStore<T>(path, { ...options, onWarning: (msg) => this.logger.warn(msg) });
  }

  get path(): string {
    return this.store.path;
  }

  get changes$(): Observable<T> {
    return this.store.changes$;
  }

  read(): Promise<T> {
    return this.store.read();
  }

  update(mutator: (draft: T) => T | void): Promise<T> {
    return this.store.update(mutator);
  }

  /** Loads the file once (so later outside edits can be compared) and starts watching it. */
  async onModuleInit(): Promise<void> {
    await this.store.read();
    this.store.watch();
  }

  onModuleDestroy(): void {
    this.store.close();
  }
}

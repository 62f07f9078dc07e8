import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { debounceTime, type Subscription } from 'rxjs';
import { CharactersService } from '../../shared/config/characters.service';
import { CoreConfigService } from '../../shared/config/core-config.service';
import { EMBEDDING, type EmbeddingPort } from '../embedding/embedding.port';
import { KeyedMutex } from '../locks/keyed-mutex';
import { finishVectorWork, nextVectorWork, readMeta, requeueAllDocs, vectorQueueSize, writeMeta } from '../search/search-index.store';
import { TimeIndexRepository } from '../time-index/time-index.repository';
import { VectorStoreRepository } from './vector-store.repository';

const BATCH = 64;
const OPTIMIZE_EVERY = 256;

export interface IndexProgress {
  readonly model: string;
  readonly pending: number;
  readonly indexed: number;
}

/**
 * Drains a character's vector work list into LanceDB with the current embedder. When the
 * embedder's model id differs from the one the index was built with, every document is queued
 * again and re-embedded into the new model's own table (in the background; lexical recall keeps
 * working meanwhile).
 */
@Injectable()
export class SemanticIndexer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SemanticIndexer.name);
  private readonly jobs = new KeyedMutex();
  private readonly sinceOptimize = new Map<string, number>();

  private subscription: Subscription | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly timeIndex: TimeIndexRepository,
    private readonly vectors: VectorStoreRepository,
    @Inject(EMBEDDING) private readonly embedder: EmbeddingPort,
    @Optional() private readonly characters?: CharactersService,
    @Optional() private readonly coreConfig?: CoreConfigService,
  ) {
    process.env.LANCEDB_LOG ??= 'error';
  }

  /**
   * In the server: catch up every character in the background at start (work left by a crash, or
   * an embedder changed while stopped) and again whenever core_config.json changes (a new model).
   */
  onModuleInit(): void {
    if (!this.characters || !this.coreConfig) return;
    this.subscription = this.coreConfig.changes$.pipe(debounceTime(500)).subscribe(() => this.catchUpAll());
    this.startTimer = setTimeout(() => this.catchUpAll(), 1000);
    this.startTimer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.startTimer);
    this.subscription?.unsubscribe();
  }

  private catchUpAll(): void {
    if (this.stopped) return;
    void this.characters
      ?.data()
      .then((data) => Promise.all(data.names.map((name) => this.catchUp(name))))
      .catch((err: unknown) => this.logger.warn(`background vector indexing failed: ${(err as Error).message}`));
  }

  /** Indexes everything queued for this character; `onProgress` after each batch. */
  catchUp(name: string, onProgress?: (p: IndexProgress) => void): Promise<void> {
    return this.jobs.run(name, () => this.drain(name, onProgress));
  }

  /** Runs `work` while no indexing job of this character runs (renaming or removing its stores). */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.jobs.run(name, work);
  }

  /** Queues every document for re-embedding (the next catch-up rebuilds all vectors). */
  async requeueAll(name: string): Promise<void> {
    if (!this.timeIndex.exists(name)) return;
    await requeueAllDocs(await this.timeIndex.dataSource(name));
  }

  async progress(name: string): Promise<IndexProgress> {
    const model = await this.embedder.modelId();
    if (!this.timeIndex.exists(name)) return { model, pending: 0, indexed: 0 };
    const ds = await this.timeIndex.dataSource(name);
    return { model, pending: await vectorQueueSize(ds), indexed: await this.vectors.count(name, model) };
  }

  private async drain(name: string, onProgress?: (p: IndexProgress) => void): Promise<void> {
    if (this.stopped || !this.timeIndex.exists(name)) return;
    const ds = await this.timeIndex.dataSource(name);
    const model = await this.embedder.modelId();
    const previous = await readMeta(ds, 'vector_model');
    if (previous !== model) {
      await requeueAllDocs(ds);
      await writeMeta(ds, 'vector_model', model);
      if (previous !== undefined) this.logger.log(`re-indexing ${name}'s memories for ${model} (was ${previous})`);
    }
    let written = 0;
    for (;;) {
      const work = await nextVectorWork(ds, BATCH);
      if (work.length === 0) break;
      const upserts = work.filter((w) => w.op === 'upsert' && w.text !== null);
      const vectors = upserts.length > 0 ? await this.embedder.embed(upserts.map((w) => w.text as string)) : [];
      await this.vectors.upsert(
        name,
        model,
        upserts.map((w, i) => ({ docId: w.docId, kind: w.kind ?? 'original', timestamp: w.timestamp, sessionId: w.sessionId, vector: vectors[i] })),
      );
      await this.vectors.remove(name, model, work.filter((w) => w.op === 'delete').map((w) => w.docId));
      await finishVectorWork(ds, work);
      written += work.length;
      if (onProgress) onProgress({ model, pending: await vectorQueueSize(ds), indexed: await this.vectors.count(name, model) });
    }
    if (written > 0 && (await this.vectors.ensureIndex(name, model))) this.logger.log(`built an ANN index over ${name}'s vectors`);
    const since = (this.sinceOptimize.get(name) ?? 0) + written;
    if (since >= OPTIMIZE_EVERY) {
      await this.vectors.optimize(name, model);
      this.sinceOptimize.set(name, 0);
    } else this.sinceOptimize.set(name, since);
  }
}

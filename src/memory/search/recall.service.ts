import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CharactersService } from '../../shared/config/characters.service';
import { CLOCK, type Clock } from '../dialog/clock.token';
import { localTimestamp, parseLocalTimestamp } from '../time-index/local-time';
import { TimeIndexRepository } from '../time-index/time-index.repository';
import { EMBEDDING, type EmbeddingPort } from '../embedding/embedding.port';
import { VectorStoreRepository } from '../semantic/vector-store.repository';
import { docsByIds, type DocFilter, type DocKind, type LexicalHit } from './search-index.store';
import { QueryRewriter } from './query-rewriter.service';
import { tokenize } from './tokenizer';

export type Retriever = 'lexical' | 'vector';

export interface RecallQuery {
  readonly query: string;
  readonly k?: number;
  readonly from?: Date;
  readonly to?: Date;
  readonly sessionId?: string;
  readonly kinds?: readonly DocKind[];
  /** Which retrievers to use (default: all that have weight). */
  readonly retrievers?: readonly Retriever[];
  /** Overrides the embedder's fusion weight (benchmarks). */
  readonly vectorWeight?: number;
  /** Related-word expansion (WordNet, Chinese characters); default on. */
  readonly expand?: boolean;
  /** Ask the summary model for search keywords when no embedding model votes (interactive searches). */
  readonly modelExpansion?: boolean;
}

export interface RecallHit {
  readonly docId: number;
  readonly kind: DocKind;
  readonly sourceId: number;
  readonly text: string;
  /** Master name, character name or SYSTEM_MESSAGE. */
  readonly speaker: string;
  readonly timestamp: string | null;
  readonly sessionId: string | null;
  readonly score: number;
  readonly retrievers: readonly Retriever[];
}

/** Reciprocal rank fusion constant (Cormack et al.). */
const RRF_K = 60;
/** Recency: a memory's fused score gains up to this share of one first-rank vote, halving every 30 days. */
const RECENCY_WEIGHT = 0.15;
const RECENCY_HALF_LIFE_DAYS = 30;

/**
 * Recall over a character's memories: each retriever ranks candidates, ranks are fused with RRF,
 * and a small recency signal breaks near-ties in favour of what happened lately.
 */
@Injectable()
export class RecallService {
  private readonly logger = new Logger(RecallService.name);

  constructor(
    private readonly timeIndex: TimeIndexRepository,
    private readonly characters: CharactersService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly vectors: VectorStoreRepository,
    @Inject(EMBEDDING) private readonly embedder: EmbeddingPort,
    @Optional() private readonly rewriter?: QueryRewriter,
  ) {}

  async search(name: string, q: RecallQuery): Promise<RecallHit[]> {
    const k = Math.min(Math.max(q.k ?? 10, 1), 100);
    const filter = { from: q.from && localTimestamp(q.from), to: q.to && localTimestamp(q.to), sessionId: q.sessionId, kinds: q.kinds };
    const vectorWeight = q.vectorWeight ?? (await this.embedder.fusionWeight());
    const use = new Set<Retriever>(q.retrievers ?? (vectorWeight > 0 ? ['lexical', 'vector'] : ['lexical']));
    const depth = Math.max(50, k * 5);
    const [lexical, vector] = await Promise.all([
      use.has('lexical') ? this.lexicalHits(name, q, filter, depth, vectorWeight) : [],
      use.has('vector') ? this.vectorHits(name, q.query, filter, depth) : [],
    ]);
    const fused = new Map<number, { hit: LexicalHit; score: number; retrievers: Set<Retriever> }>();
    const vote = (hits: readonly LexicalHit[], retriever: Retriever, weight: number) =>
      hits.forEach((hit, rank) => {
        const entry = fused.get(hit.docId) ?? { hit, score: 0, retrievers: new Set<Retriever>() };
        entry.score += weight / (RRF_K + rank + 1);
        entry.retrievers.add(retriever);
        fused.set(hit.docId, entry);
      });
    vote(lexical, 'lexical', 1);
    vote(vector, 'vector', use.has('lexical') ? vectorWeight : 1);
    const now = this.clock().getTime();
    for (const entry of fused.values()) {
      const at = parseLocalTimestamp(entry.hit.timestamp)?.getTime();
      if (at === undefined) continue;
      const ageDays = Math.max(0, (now - at) / 86_400_000);
      entry.score += (RECENCY_WEIGHT / (RRF_K + 1)) * 0.5 ** (ageDays / RECENCY_HALF_LIFE_DAYS);
    }
    const master = (await this.characters.data()).masterName;
    const label = { human: master, ai: name, system: 'SYSTEM_MESSAGE' } as const;
    return [...fused.values()]
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map(({ hit, score, retrievers }) => ({
        docId: hit.docId,
        kind: hit.kind,
        sourceId: hit.sourceId,
        text: hit.text,
        speaker: label[hit.speaker],
        timestamp: hit.timestamp,
        sessionId: hit.sessionId,
        score,
        retrievers: [...retrievers],
      }));
  }

  private async lexicalHits(name: string, q: RecallQuery, filter: DocFilter, limit: number, vectorWeight: number): Promise<LexicalHit[]> {
    const modelTerms = q.modelExpansion && q.expand !== false && vectorWeight === 0 && this.rewriter ? await this.rewriter.expand(q.query) : [];
    return this.timeIndex.searchLexical(name, tokenize(q.query), filter, limit, q.expand !== false, modelTerms);
  }

  /** Nearest documents by the embedder's vectors, resolved to their text. */
  private async vectorHits(name: string, query: string, filter: DocFilter, limit: number): Promise<LexicalHit[]> {
    if (!this.timeIndex.exists(name)) return [];
    const model = await this.embedder.modelId();
    let vector: Float32Array;
    try {
      [vector] = await this.embedder.embed([query]);
    } catch (err) {
      // The provider is unreachable: recall goes on with the other retrievers.
      this.logger.warn(`query embedding failed (${(err as Error).message}); lexical recall only`);
      return [];
    }
    const near = await this.vectors.search(name, model, vector, filter, limit);
    const docs = await docsByIds(await this.timeIndex.dataSource(name), near.map((n) => n.docId));
    return near.flatMap((n) => {
      const doc = docs.get(n.docId);
      return doc ? [{ ...doc, score: 1 - n.distance }] : [];
    });
  }
}

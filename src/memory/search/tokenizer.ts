import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import stem from 'wink-porter2-stemmer';

/** Function words that carry no meaning for recall (English, Chinese). */
const STOPWORDS = new Set(
  (
    'a an the and or but if then so of to in on at by for with from as is am are was were be been being do does did have has had ' +
    'i me my we our you your he him his she her it its they them their this that these those there here what which who whom how ' +
    'not no yes can could will would should shall may might must just very too also about into over than up down out off again ' +
    "i'm it's don't that's what's hey hi oh ok okay yeah really im dont " +
    '的 了 是 在 和 与 也 就 都 而 及 着 或 一个 没有 我们 你们 他们 她们 这个 那个 这些 那些 吗 呢 吧 啊 呀 哦 嗯 喵 么 之 其 被 把 给 让'
  ).split(/\s+/),
);

/**
 * The single characters of Chinese words (two characters or more), minus function characters:
 * Chinese words that share a character often share meaning (小猫/猫咪, 汽车/车, 生病/病), which is
 * the relatedness we can offer without a Chinese thesaurus in the registries.
 */
export function hanCharacters(terms: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of terms) {
    if (!HAN.test(t)) continue;
    const chars = Array.from(t);
    if (chars.length < 2) continue;
    for (const c of chars) if (!STOPWORDS.has(c) && !HAN_FUNCTION_CHARS.has(c)) out.add(c);
  }
  return [...out];
}

/** Characters too common to relate anything. */
const HAN_FUNCTION_CHARS = new Set(Array.from('的了是在和与也就都而及着或一个不有这那么们我你他她它吗呢吧啊呀哦嗯之其被把给让上下里中大小多少好'));

/** Irregular English plurals Porter2 leaves alone (WordNet's exception lists are not packaged). */
const IRREGULAR: ReadonlyMap<string, string> = new Map(
  Object.entries({
    children: 'child', men: 'man', women: 'woman', people: 'person', mice: 'mouse', feet: 'foot', teeth: 'tooth',
    geese: 'goose', wives: 'wife', knives: 'knife', lives: 'life', leaves: 'leaf', wolves: 'wolf', halves: 'half',
  }),
);

/** Porter2 stem of one lower-case English word. */
export function stemEnglish(word: string): string {
  return stem(IRREGULAR.get(word) ?? word);
}

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const HAN = /\p{Script=Han}+/u;
const RUNS = /(\p{Script=Han}+)|([\p{Script=Hiragana}\p{Script=Katakana}ー]+)|(\p{Script=Hangul}+)|([\p{L}\p{N}]+(?:'[\p{L}]+)?)/gu;

function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

/**
 * Index/query terms for Chinese, Japanese, Korean and English text:
 * Chinese by jieba's search mode (words and their sub-words), Japanese kana and Korean by
 * character bigrams (no segmenter is packaged for them), other scripts by words with English
 * Porter2 stemming; stop words dropped.
 */
export function tokenize(text: string): string[] {
  const normalized = text.normalize('NFKC').toLowerCase();
  const terms: string[] = [];
  for (const m of normalized.matchAll(RUNS)) {
    const [, han, kana, hangul, word] = m;
    if (han) {
      for (const t of segmenter().cutForSearch(han, true)) if (HAN.test(t) && !STOPWORDS.has(t)) terms.push(t);
    } else if (kana) terms.push(...bigrams(kana));
    else if (hangul) terms.push(...bigrams(hangul));
    else if (word && !STOPWORDS.has(word)) {
      const base = word.replace(/'s$/, '');
      terms.push(/^[a-z]+$/.test(base) ? stemEnglish(base) : base);
    }
  }
  return terms;
}

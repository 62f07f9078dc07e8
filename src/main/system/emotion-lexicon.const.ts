/**
 * A small Chinese + English emotion lexicon for the offline fallback of /api/emotion/analysis
 * (used only when no emotion model is configured). Weights: 1 = mild cue, 2 = clear cue.
 * Chinese entries match as substrings; English entries match whole words (lower case).
 */
export type LexicalEmotion = 'happy' | 'sad' | 'angry' | 'surprised';

export type Lexicon = Readonly<Record<LexicalEmotion, Readonly<Record<string, number>>>>;

export const ZH_LEXICON: Lexicon = {
  happy: {
    开心: 2, 高兴: 2, 快乐: 2, 快樂: 2, 开森: 2, 幸福: 2, 喜欢: 1, 喜歡: 1, 爱你: 2, 太好了: 2, 好棒: 2, 真棒: 2, 哈哈: 2,
    嘻嘻: 2, 嘿嘿: 1, 兴奋: 2, 满意: 1, 舒服: 1, 愉快: 2, 好玩: 1, 有趣: 1, 谢谢: 1, 感谢: 1, 期待: 1, 耶: 1, 笑: 1, 甜: 1,
  },
  sad: {
    难过: 2, 難過: 2, 伤心: 2, 傷心: 2, 悲伤: 2, 哭: 2, 呜呜: 2, 嗚嗚: 2, 失望: 2, 孤独: 2, 寂寞: 2, 沮丧: 2, 郁闷: 2, 心疼: 1,
    可惜: 1, 遗憾: 1, 累: 1, 痛苦: 2, 委屈: 2, 想念: 1, 抱歉: 1, 对不起: 1, 唉: 1, 难受: 2, 不舒服: 1,
  },
  angry: {
    生气: 2, 生氣: 2, 愤怒: 2, 气死: 2, 讨厌: 2, 討厭: 2, 烦: 1, 煩: 1, 可恶: 2, 混蛋: 2, 滚: 2, 闭嘴: 2, 受够: 2, 火大: 2,
    恼火: 2, 恶心: 1, 哼: 1, 过分: 2, 凭什么: 1,
  },
  surprised: {
    惊讶: 2, 驚訝: 2, 吃惊: 2, 震惊: 2, 天哪: 2, 天啊: 2, 哇: 2, 竟然: 2, 居然: 2, 没想到: 2, 不会吧: 2, 真的吗: 2, 真的假的: 2,
    诶: 1, 咦: 1, 意外: 1, 不敢相信: 2,
  },
};

export const EN_LEXICON: Lexicon = {
  happy: {
    happy: 2, glad: 2, great: 1, awesome: 2, wonderful: 2, love: 2, like: 1, yay: 2, haha: 2, lol: 1, fun: 1, excited: 2,
    thanks: 1, thank: 1, nice: 1, good: 1, amazing: 1, delighted: 2, joy: 2, enjoy: 1, cute: 1, smile: 1, pleased: 2,
  },
  sad: {
    sad: 2, unhappy: 2, cry: 2, crying: 2, tears: 2, lonely: 2, miss: 1, sorry: 1, depressed: 2, upset: 2, disappointed: 2,
    hurt: 2, tired: 1, sigh: 1, heartbroken: 2, alone: 1, unfortunately: 1,
  },
  angry: {
    angry: 2, mad: 2, furious: 2, hate: 2, annoying: 2, annoyed: 2, stupid: 2, shut: 1, damn: 2, idiot: 2, ridiculous: 1,
    rage: 2, irritated: 2, disgusting: 2,
  },
  surprised: {
    wow: 2, whoa: 2, surprised: 2, surprising: 2, shocked: 2, omg: 2, unbelievable: 2, incredible: 1,
    unexpected: 2, seriously: 1, amazing: 1,
  },
};

/**
 * A Chinese negator right before a cue, optionally followed by a degree word: 不开心, 没有生气,
 * 并不难过, 不太高兴, 不是很开心, 没那么难过.
 */
export const ZH_NEGATION_BEFORE = /(并不|並不|没有|沒有|不|没|沒|别|別|未)(是|太|很|怎么|那么|那麼|大|够|算)?(很|太|那么)?$/;

/** English negators; a cue within three words after one is negated (not happy, don't like). */
export const EN_NEGATORS = new Set(['not', 'no', 'never', "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "won't", "can't", 'dont', 'isnt', 'cannot', 'hardly']);

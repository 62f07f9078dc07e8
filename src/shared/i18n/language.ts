/** Languages N.E.K.O. localises its prompts for; anything else falls back to English. */
export type PromptLanguage = 'zh' | 'en' | 'ja' | 'ko' | 'ru';

/**
 * The user's language: NEKO_LANGUAGE when set, else the system locale (LC_ALL, LC_MESSAGES, LANG,
 * then Intl), mapped to one of N.E.K.O.'s prompt languages.
 */
export function detectLanguage(env: NodeJS.ProcessEnv = process.env): PromptLanguage {
  const candidates = [env.NEKO_LANGUAGE, env.LC_ALL, env.LC_MESSAGES, env.LANG, Intl.DateTimeFormat().resolvedOptions().locale];
  for (const raw of candidates) {
    if (!raw || raw === 'C' || raw.startsWith('C.') || raw === 'POSIX') continue;
    const code = raw.toLowerCase().slice(0, 2);
    if (code === 'zh' || code === 'en' || code === 'ja' || code === 'ko' || code === 'ru') return code;
    return 'en';
  }
  return 'en';
}

import type { PromptLanguage } from '../../shared/i18n/language';

/**
 * Literal layout of V1's `/new_dialog` (spec memory §6): header, body with settings {S} and time
 * {T}, optional gap line, then one line per recent message. Header and body are N.E.K.O.'s wire
 * text; the gap sentences beyond the spec's Chinese literals are ours.
 */
interface DialogTexts {
  header(name: string): string;
  body(name: string, master: string, settings: string, time: string): string;
  elapsed(hours: number, minutes: number): string;
  gapNotice(master: string, elapsed: string): string;
  longGap(name: string, master: string, now: string, elapsed: string): string;
}

const ZH: DialogTexts = {
  header: (n) => `\n======以下是${n}的内心活动======\n`,
  body: (n, m, s, t) => `${n}的脑海里经常想着自己和${m}的事情，她记得${s}\n\n现在时间是${t}。开始聊天前，${n}又在脑海内整理了近期发生的事情。\n`,
  elapsed: (h, m) => (m === 0 ? `${h}小时` : `${h}小时${m}分钟`),
  gapNotice: (m, e) => `距离上次与${m}聊天已经过去了${e}。`,
  longGap: (n, m, now, e) => `现在的时间是${now}。距离上次与${m}聊天已经过去了${e}。好久没和${m}说话了，${n}有点想知道${m}这段时间过得怎么样。`,
};

const EN: DialogTexts = {
  header: (n) => `\n======${n}'s Inner Thoughts======\n`,
  body: (n, m, s, t) => `${n} often thinks about herself and ${m}. She remembers: ${s}\n\nThe current time is ${t}. Before the conversation begins, ${n} is mentally reviewing recent events.\n`,
  elapsed: (h, m) => (m === 0 ? `${h} hour${h === 1 ? '' : 's'}` : `${h} hour${h === 1 ? '' : 's'} and ${m} minute${m === 1 ? '' : 's'}`),
  gapNotice: (m, e) => `It has been ${e} since the last chat with ${m}.`,
  longGap: (n, m, now, e) => `It is now ${now}. It has been ${e} since the last chat with ${m}. It has been a while, and ${n} wonders how ${m} has been.`,
};

const JA: DialogTexts = {
  ...EN,
  header: (n) => `\n======${n}の心の声======\n`,
  body: (n, m, s, t) => `${n}はいつも自分と${m}のことを考えています。彼女が覚えていること：${s}\n\n現在の時刻は${t}です。会話を始める前に、${n}は最近の出来事を頭の中で整理しています。\n`,
};

const KO: DialogTexts = {
  ...EN,
  header: (n) => `\n======${n}의 내면 활동======\n`,
  body: (n, m, s, t) => `${n}은 항상 자신과 ${m}에 대해 생각합니다. 그녀가 기억하는 것: ${s}\n\n현재 시간은 ${t}입니다. 대화를 시작하기 전에 ${n}은 최근 있었던 일들을 마음속으로 정리하고 있습니다.\n`,
};

export const DIALOG_TEXTS: Readonly<Record<PromptLanguage, DialogTexts>> = { zh: ZH, en: EN, ja: JA, ko: KO, ru: EN };

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number) => String(n).padStart(2, '0');

/** Python `strftime('%A, %B %d, %Y at %I:%M %p')`, e.g. `Sunday, December 14, 2025 at 12:27 PM`. */
export function spokenTime(d: Date): string {
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${DAYS[d.getDay()]}, ${MONTHS[d.getMonth()]} ${pad(d.getDate())}, ${d.getFullYear()} at ${pad(h12)}:${pad(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** `YYYY-MM-DD HH:MM` */
export function shortTime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Removes [..], (..), （..）, 【..】, {..}, <..> on one line (Python `.` = anything but \n), then trims. */
export function stripBrackets(text: string): string {
  return text.replace(/(\[[^\n]*?\]|\([^\n]*?\)|（[^\n]*?）|【[^\n]*?】|\{[^\n]*?\}|<[^\n]*?>)/g, '').trim();
}

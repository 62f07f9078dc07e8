import { readFileSync } from 'node:fs';
import type { ChatMessage } from '../messages/chat-message';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "1:56 pm on 8 May, 2023" → local Date. */
export function parseLocomoDate(text: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+(\w+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unreadable LoCoMo date: ${text}`);
  const hour = (Number(m[1]) % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  return new Date(Number(m[6]), MONTHS.indexOf(m[5].toLowerCase()), Number(m[4]), hour, Number(m[2]));
}

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}

export interface LocomoSession {
  readonly session: string;
  readonly at: Date;
  readonly messages: ChatMessage[];
  /** dia_id of each message, in order. */
  readonly diaIds: string[];
}

/** One LoCoMo conversation as sessions of messages (speaker_a → human, speaker_b → ai). */
export function locomoGroups(file: string): LocomoSession[] {
  const conv = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const speakerA = conv.speaker_a as string;
  const out: LocomoSession[] = [];
  for (let s = 1; Array.isArray(conv[`session_${s}`]); s++) {
    const turns = conv[`session_${s}`] as Turn[];
    out.push({
      session: `session_${s}`,
      at: parseLocomoDate(conv[`session_${s}_date_time`] as string),
      messages: turns.map((t) => ({ type: t.speaker === speakerA ? 'human' : 'ai', content: `${t.speaker}: ${t.text}${t.blip_caption ? ` [shares a photo of ${t.blip_caption}]` : ''}` })),
      diaIds: turns.map((t) => t.dia_id),
    });
  }
  return out;
}

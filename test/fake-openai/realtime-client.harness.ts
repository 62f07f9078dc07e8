import WebSocket from 'ws';
import { splitBuffer } from './pcm-audio.util';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- server events are loosely typed JSON
export type ServerEvent = Record<string, any>;

export interface RawRealtimeClient {
  readonly ws: WebSocket;
  /** Every server event received so far. */
  readonly events: ServerEvent[];
  /** The first not yet awaited event of this type, already received or still to come. */
  next(type: string, timeoutMs?: number): Promise<ServerEvent>;
  /** Sends a client event with an `event_id`, like our realtime client does. */
  send(event: ServerEvent): void;
  /** Appends pcm16 in `chunkMs` pieces (default 20 ms at 24 kHz), like a microphone. */
  speak(pcm: Buffer, chunkMs?: number, sampleRate?: number): void;
  /** Server event types received so far. */
  types(): string[];
  /** Concatenated `delta` of every event of this type. */
  joined(type: string): string;
  /** Resolves with the close code. */
  closed(): Promise<number>;
}

/** A raw `ws` client speaking the OpenAI Realtime protocol (what an adapter does, minus the adapter). */
export async function connectRealtime(url: string, headers: Record<string, string> = {}): Promise<RawRealtimeClient> {
  const ws = new WebSocket(url, { headers });
  const events: ServerEvent[] = [];
  const consumed = new Set<number>();
  const waiters: Array<{ type: string; resolve: (e: ServerEvent) => void }> = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (data: Buffer) => {
    const event = JSON.parse(data.toString('utf8')) as ServerEvent;
    events.push(event);
    const waiter = waiters.find((w) => w.type === event.type);
    if (waiter) {
      consumed.add(events.length - 1);
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let seq = 0;
  const send = (event: ServerEvent) => ws.send(JSON.stringify({ event_id: `event_${Date.now()}_${++seq}`, ...event }));
  return {
    ws,
    events,
    send,
    next: (type, timeoutMs = 3000) =>
      new Promise<ServerEvent>((resolve, reject) => {
        const index = events.findIndex((e, i) => e.type === type && !consumed.has(i));
        if (index >= 0) {
          consumed.add(index);
          return resolve(events[index]);
        }
        const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms; got ${events.map((x) => x.type).join(', ')}`)), timeoutMs);
        waiters.push({ type, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
    speak: (pcm, chunkMs = 20, sampleRate = 24_000) => {
      for (const chunk of splitBuffer(pcm, Math.round((sampleRate * chunkMs) / 1000) * 2)) send({ type: 'input_audio_buffer.append', audio: chunk.toString('base64') });
    },
    types: () => events.map((e) => e.type as string),
    joined: (type) =>
      events
        .filter((e) => e.type === type)
        .map((e) => e.delta as string)
        .join(''),
    closed: () => closed,
  };
}

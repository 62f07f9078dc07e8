/**
 * Probes installed in a page before its scripts run (evaluateOnNewDocument): every scheduled
 * playback buffer (AudioBufferSourceNode.start / stop / disconnect, AudioContext close / suspend)
 * and every WebSocket the page opens with the types of the JSON messages it receives. They let a
 * test see what the user would hear and which character's socket is open, without knowing how
 * the page's player or socket client are written.
 */
import type { Page } from 'puppeteer-core';

/** One buffer handed to the audio graph; times are the page's performance.now(). */
export interface ScheduledBuffer {
  readonly calledAt: number;
  /** When it would stop sounding if nothing stopped it. */
  readonly endsAt: number;
  readonly seconds: number;
  readonly stoppedAt: number | null;
  readonly disconnectedAt: number | null;
  /** Its AudioContext was closed or suspended at this time. */
  readonly contextHaltedAt: number | null;
}

export interface ProbedSocket {
  readonly url: string;
  readonly openedAt: number;
  readonly closedAt: number | null;
}

export interface ProbedMessage {
  readonly socket: number;
  readonly type: string;
  readonly at: number;
}

export interface ProbeReport {
  readonly now: number;
  readonly buffers: ScheduledBuffer[];
  readonly sockets: ProbedSocket[];
  readonly messages: ProbedMessage[];
}

// Plain JavaScript: it runs in the page, before any of its own scripts.
const PROBE_SOURCE = `(() => {
  const probe = { buffers: [], sockets: [], messages: [] };
  Object.defineProperty(window, '__nekoProbe', { value: probe });
  const halted = new WeakMap();
  const proto = AudioBufferSourceNode.prototype;
  const start = proto.start, stop = proto.stop, disconnect = AudioNode.prototype.disconnect;
  proto.start = function (when, ...rest) {
    const ctx = this.context, now = ctx.currentTime, at = performance.now();
    const seconds = this.buffer ? this.buffer.duration : 0;
    const record = { calledAt: at, endsAt: at + (Math.max(when || 0, now) - now + seconds) * 1000, seconds, stoppedAt: null, disconnectedAt: null, contextHaltedAt: null, ctx };
    this.__nekoRecord = record;
    probe.buffers.push(record);
    return start.call(this, when, ...rest);
  };
  proto.stop = function (...args) {
    const r = this.__nekoRecord;
    if (r && r.stoppedAt === null) r.stoppedAt = performance.now();
    return stop.apply(this, args);
  };
  proto.disconnect = function (...args) {
    const r = this.__nekoRecord;
    if (r && r.disconnectedAt === null) r.disconnectedAt = performance.now();
    return disconnect.apply(this, args);
  };
  for (const name of ['close', 'suspend']) {
    const original = AudioContext.prototype[name];
    AudioContext.prototype[name] = function (...args) {
      const at = performance.now();
      for (const r of probe.buffers) if (r.ctx === this && r.contextHaltedAt === null) r.contextHaltedAt = at;
      return original.apply(this, args);
    };
  }
  const Native = window.WebSocket;
  class ProbedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const socket = probe.sockets.length;
      const record = { url: String(url), openedAt: performance.now(), closedAt: null };
      probe.sockets.push(record);
      this.addEventListener('close', () => { record.closedAt = performance.now(); });
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        try {
          const m = JSON.parse(e.data);
          probe.messages.push({ socket, type: String(m && m.type), at: performance.now() });
        } catch { /* not JSON */ }
      });
    }
  }
  window.WebSocket = ProbedWebSocket;
})();`;

/** Installs the probes for every document `page` loads from now on. */
export async function installProbes(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(PROBE_SOURCE);
}

/** What the probes saw so far. */
export function probeReport(page: Page): Promise<ProbeReport> {
  return page.evaluate(() => {
    const p = (globalThis as unknown as { __nekoProbe?: ProbeReport }).__nekoProbe;
    if (!p) throw new Error('page probes are not installed (installProbes before goto)');
    return {
      now: performance.now(),
      buffers: p.buffers.map(({ calledAt, endsAt, seconds, stoppedAt, disconnectedAt, contextHaltedAt }) => ({ calledAt, endsAt, seconds, stoppedAt, disconnectedAt, contextHaltedAt })),
      sockets: p.sockets.map((s) => ({ ...s })),
      messages: p.messages.map((m) => ({ ...m })),
    };
  });
}

/** Seconds of audio handed to the audio graph. */
export const scheduledSeconds = (buffers: readonly ScheduledBuffer[]): number => buffers.reduce((s, b) => s + b.seconds, 0);

/** When a buffer stopped being able to sound (stopped, disconnected, its context halted), or null. */
export function silencedAt(b: ScheduledBuffer): number | null {
  const times = [b.stoppedAt, b.disconnectedAt, b.contextHaltedAt].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Waits until the page has scheduled at least `count` playback buffers. */
export async function waitForScheduledAudio(page: Page, count = 1, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction((n: number) => ((globalThis as unknown as { __nekoProbe?: ProbeReport }).__nekoProbe?.buffers.length ?? 0) >= n, { timeout: timeoutMs }, count);
}

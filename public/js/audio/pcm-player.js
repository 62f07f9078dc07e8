// Plays the assistant's audio frames (spec §4.4): PCM16LE mono 48 kHz, one chunk per binary
// WebSocket frame, scheduled back to back with a 100 ms lead. `clear()` is barge-in: everything
// queued stops at once (the server sends user_activity when the user speaks or writes again).
// Ogg/Opus pages (custom CosyVoice voices) need a streaming Opus decoder: not played here yet.

const RATE = 48000;
const LEAD_S = 0.1;

export class PcmPlayer {
  constructor() {
    this.ctx = null;
    this.next = 0;
    this.sources = new Set();
    this.muted = false;
  }

  /** Call from a user gesture (browsers only start audio after one). */
  unlock() {
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      this.ctx = new Ctx({ sampleRate: RATE });
    }
    if (this.ctx.state === 'suspended') void this.ctx.resume();
  }

  /** One binary frame from the server. */
  play(data) {
    if (this.muted || !this.ctx || !(data instanceof ArrayBuffer) || data.byteLength <= 4) return;
    const head = new Uint8Array(data, 0, 4);
    if (head[0] === 0x4f && head[1] === 0x67 && head[2] === 0x67 && head[3] === 0x53) return; // OggS
    const pcm = new Int16Array(data, 0, data.byteLength >> 1);
    const buffer = this.ctx.createBuffer(1, pcm.length, RATE);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.ctx.destination);
    const now = this.ctx.currentTime;
    if (this.next < now + 0.01) this.next = now + LEAD_S;
    source.start(this.next);
    this.next += buffer.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  /** Stops and forgets everything queued. */
  clear() {
    for (const source of this.sources) {
      try {
        source.stop();
      } catch {
        // already stopped
      }
    }
    this.sources.clear();
    this.next = 0;
  }

  setMuted(muted) {
    this.muted = muted;
    if (muted) this.clear();
  }
}

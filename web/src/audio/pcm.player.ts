/**
 * Plays the character's voice (spec §4.4): each binary WebSocket frame is a chunk of PCM16 LE mono
 * 48 kHz, scheduled back to back. The first chunk of a reply, and the first after the queue ran
 * dry, starts 100 ms ahead so network jitter does not cut the speech into pieces. `stop()` is the
 * barge-in: everything queued or playing is silenced at once. Playback runs through an analyser
 * (the avatar's lip sync) and then a gain node ("mute her voice" keeps the mouth moving).
 * Ogg/Opus pages (custom CosyVoice voices) are decoded first (ogg-opus.stream.ts).
 */
import { isOggPage, OggOpusStream } from './ogg-opus.stream';

const RATE = 48_000;
const LEAD_S = 0.1;
/** A chunk due this close to now counts as late: re-lead instead of playing it clipped. */
const LATE_S = 0.01;

export class PcmPlayer {
  private ctx: AudioContext | undefined;
  private gain: GainNode | undefined;
  private analyserNode: AnalyserNode | undefined;
  private next = 0;
  private readonly sources = new Set<AudioBufferSourceNode>();
  private muted = false;
  private ogg: OggOpusStream | undefined;
  private oggFailed = false;

  /** @param onUndecodable called once when Ogg/Opus audio cannot be decoded */
  constructor(private readonly onUndecodable: () => void) {}

  /** The analyser the lip sync reads (after unlock()). */
  get analyser(): AnalyserNode | undefined {
    return this.analyserNode;
  }

  /** Creates or resumes the audio output; browsers allow that only after a user gesture. */
  unlock(): void {
    if (!this.ctx) {
      try {
        this.ctx = new AudioContext({ sampleRate: RATE, latencyHint: 'interactive' });
      } catch {
        this.ctx = new AudioContext({ latencyHint: 'interactive' });
      }
      this.analyserNode = this.ctx.createAnalyser();
      this.analyserNode.fftSize = 1024;
      this.gain = this.ctx.createGain();
      this.gain.gain.value = this.muted ? 0 : 1;
      this.analyserNode.connect(this.gain).connect(this.ctx.destination);
    }
    if (this.ctx.state === 'suspended') void this.ctx.resume().catch(() => undefined);
  }

  /** One binary frame from the server. */
  play(data: ArrayBuffer): void {
    // Before the first gesture the context is not running: queuing would pile the reply up and
    // play it all at once later, so those chunks are dropped.
    if (!this.ctx || this.ctx.state !== 'running' || data.byteLength < 2) return;
    const bytes = new Uint8Array(data);
    if (isOggPage(bytes)) {
      this.ogg ??= new OggOpusStream(
        (samples) => this.schedule(samples),
        (err) => {
          console.warn('Ogg/Opus audio could not be decoded', err);
          if (!this.oggFailed) this.onUndecodable();
          this.oggFailed = true;
        },
      );
      this.ogg.push(bytes);
      return;
    }
    const pcm = new Int16Array(data, 0, data.byteLength >> 1);
    const samples = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) samples[i] = (pcm[i] ?? 0) / 32768;
    this.schedule(samples);
  }

  /** Queues 48 kHz mono samples right after what is already queued (or after the lead). */
  private schedule(samples: Float32Array): void {
    const ctx = this.ctx;
    if (!ctx || !this.analyserNode || samples.length === 0) return;
    const buffer = ctx.createBuffer(1, samples.length, RATE);
    buffer.getChannelData(0).set(samples);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyserNode);
    const now = ctx.currentTime;
    if (this.next < now + LATE_S) this.next = now + LEAD_S;
    source.start(this.next);
    this.next += buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      source.disconnect();
    };
  }

  /** Barge-in: silences and forgets everything queued. */
  stop(): void {
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // not started yet in some engines
      }
      source.disconnect();
    }
    this.sources.clear();
    this.next = 0;
    this.ogg?.stop();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (this.gain && this.ctx) this.gain.gain.setValueAtTime(muted ? 0 : 1, this.ctx.currentTime);
  }
}

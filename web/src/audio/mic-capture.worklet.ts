/**
 * AudioWorklet (bundled on its own to /static/js/dist/audio/mic-capture.worklet.js): microphone
 * samples → Int16 frames as spec §4.4 wants them — 480 samples at 48 kHz (10 ms) on desktops,
 * 512 at 16 kHz on phones. The context may run at another rate (a browser that refuses 48 kHz):
 * then the input is resampled linearly. Each frame goes out with its RMS level for the mic ring.
 */

// The AudioWorkletGlobalScope is not in the DOM lib: what this file uses of it.
declare const sampleRate: number;
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

export interface MicFrameMessage {
  readonly frame: Int16Array;
  /** RMS of the frame, 0–1. */
  readonly level: number;
}

interface CaptureOptions {
  readonly targetRate?: number;
  readonly frameSize?: number;
}

class MicCaptureProcessor extends AudioWorkletProcessor {
  private readonly step: number;
  private readonly frame: Int16Array;
  private filled = 0;
  private squares = 0;
  /** Position of the next output sample in input samples, relative to the current block (−1 = the previous block's last sample). */
  private pos = 0;
  private prev = 0;

  constructor(options: { processorOptions?: unknown }) {
    super();
    const o = (options.processorOptions ?? {}) as CaptureOptions;
    this.step = sampleRate / (o.targetRate ?? 48_000);
    this.frame = new Int16Array(o.frameSize ?? 480);
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (!channel || channel.length === 0) return true;
    if (this.step === 1) {
      for (const s of channel) this.push(s);
      return true;
    }
    const last = channel.length - 1;
    while (this.pos < last) {
      const i = Math.floor(this.pos);
      const a = i < 0 ? this.prev : (channel[i] ?? 0);
      const b = channel[i + 1] ?? a;
      this.push(a + (b - a) * (this.pos - i));
      this.pos += this.step;
    }
    this.pos -= channel.length;
    this.prev = channel[last] ?? 0;
    return true;
  }

  private push(sample: number): void {
    const s = Math.max(-1, Math.min(1, sample));
    this.squares += s * s;
    this.frame[this.filled++] = s < 0 ? s * 32768 : s * 32767;
    if (this.filled < this.frame.length) return;
    const message: MicFrameMessage = { frame: this.frame.slice(), level: Math.sqrt(this.squares / this.frame.length) };
    this.port.postMessage(message, [message.frame.buffer]);
    this.filled = 0;
    this.squares = 0;
  }
}

registerProcessor('neko-mic-capture', MicCaptureProcessor);

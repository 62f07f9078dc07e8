/**
 * Microphone capture for voice chat (spec §4.4): echo cancellation on (the reply plays from the
 * same speakers), noise suppression and gain control off (the server denoises), mono, and an
 * AudioWorklet that cuts 10 ms frames of 480 Int16 samples at 48 kHz — 512 samples at 16 kHz on
 * phones, as N.E.K.O.'s own page sends them.
 */
import type { MicFrameMessage } from './mic-capture.worklet';

const WORKLET_URL = '/static/js/dist/audio/mic-capture.worklet.js';
const CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: false, autoGainControl: false, channelCount: 1, sampleRate: 48_000 };

/** Phones and tablets (N.E.K.O.'s test): smaller frames at 16 kHz, the camera instead of screen share. */
export function isMobileDevice(): boolean {
  return /Android|webOS|iPhone|iPad|iPod|BlackBerry|IEMobile|Opera Mini|Mobile/i.test(navigator.userAgent);
}

export class MicCapture {
  private ctx: AudioContext | undefined;
  private stream: MediaStream | undefined;
  private node: AudioWorkletNode | undefined;
  private starting: Promise<void> | undefined;
  /** Bumped by stop(): an open() still waiting for the permission prompt or the worklet then gives up. */
  private generation = 0;

  /**
   * @param onFrame every captured frame
   * @param onLevel the input level (0–1) of each frame, for the ring on the mic button
   */
  constructor(
    private readonly onFrame: (frame: Int16Array) => void,
    private readonly onLevel: (level: number) => void,
  ) {}

  get running(): boolean {
    return this.stream !== undefined;
  }

  /** Asks for the microphone (the saved device when it still exists) and starts sending frames. */
  start(deviceId?: string): Promise<void> {
    if (this.starting) return this.starting;
    const starting = this.open(deviceId, this.generation).finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
    this.starting = starting;
    return starting;
  }

  /** Releases the microphone; also cancels a start still in progress (the user changed their mind). */
  stop(): void {
    this.generation += 1;
    this.starting = undefined;
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    this.node = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
    this.onLevel(0);
  }

  private async open(deviceId: string | undefined, generation: number): Promise<void> {
    if (this.stream) return;
    if (!navigator.mediaDevices?.getUserMedia) throw new MicUnavailableError('insecure');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { ...CONSTRAINTS, deviceId: { exact: deviceId } } : CONSTRAINTS });
    } catch (err) {
      // The saved microphone was unplugged: any microphone will do.
      if (!deviceId || !(err instanceof DOMException) || err.name !== 'OverconstrainedError') throw err;
      stream = await navigator.mediaDevices.getUserMedia({ audio: CONSTRAINTS });
    }
    // Stopped while the permission prompt was open: the microphone must not stay on behind the UI.
    if (generation !== this.generation) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.stream = stream;
    try {
      const mobile = isMobileDevice();
      const ctx = (this.ctx = createContext());
      await ctx.audioWorklet.addModule(WORKLET_URL);
      if (generation !== this.generation) return; // stop() already released the stream and the context
      const source = ctx.createMediaStreamSource(stream);
      this.node = new AudioWorkletNode(ctx, 'neko-mic-capture', {
        numberOfOutputs: 0,
        processorOptions: mobile ? { targetRate: 16_000, frameSize: 512 } : { targetRate: 48_000, frameSize: 480 },
      });
      this.node.port.onmessage = (ev: MessageEvent<MicFrameMessage>) => {
        this.onFrame(ev.data.frame);
        this.onLevel(ev.data.level);
      };
      source.connect(this.node);
      if (ctx.state === 'suspended') await ctx.resume();
    } catch (err) {
      if (generation !== this.generation) return;
      this.stop();
      throw err;
    }
  }
}

/** 48 kHz when the browser allows it; otherwise its own rate (the worklet resamples). */
function createContext(): AudioContext {
  try {
    return new AudioContext({ sampleRate: 48_000, latencyHint: 'interactive' });
  } catch {
    return new AudioContext({ latencyHint: 'interactive' });
  }
}

/** getUserMedia is missing: the page is not on https or localhost. */
export class MicUnavailableError extends Error {
  constructor(readonly reason: 'insecure') {
    super('microphone access needs https or localhost');
    this.name = 'MicUnavailableError';
  }
}

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
    this.starting ??= this.open(deviceId).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  stop(): void {
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

  private async open(deviceId?: string): Promise<void> {
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
    this.stream = stream;
    try {
      const mobile = isMobileDevice();
      this.ctx = createContext();
      await this.ctx.audioWorklet.addModule(WORKLET_URL);
      const source = this.ctx.createMediaStreamSource(stream);
      this.node = new AudioWorkletNode(this.ctx, 'neko-mic-capture', {
        numberOfOutputs: 0,
        processorOptions: mobile ? { targetRate: 16_000, frameSize: 512 } : { targetRate: 48_000, frameSize: 480 },
      });
      this.node.port.onmessage = (ev: MessageEvent<MicFrameMessage>) => {
        this.onFrame(ev.data.frame);
        this.onLevel(ev.data.level);
      };
      source.connect(this.node);
      if (this.ctx.state === 'suspended') await this.ctx.resume();
    } catch (err) {
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

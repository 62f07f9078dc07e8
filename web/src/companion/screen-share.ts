/**
 * Screen sharing (spec §4.2/§4.4): the shared screen — the front camera on phones — as JPEG data
 * URLs of at most 1280×720, quality 0.8. In text mode one fresh frame goes before each message; in
 * voice mode the page sends one every second.
 */
import { isMobileDevice } from '../audio/mic.capture';

const MAX_W = 1280;
const MAX_H = 720;
const QUALITY = 0.8;

export type ImageInput = 'screen' | 'camera';

export class ScreenShare {
  private stream: MediaStream | undefined;
  /** A second click while the browser's picker is open waits for the same answer (no second, leaked stream). */
  private starting: Promise<void> | undefined;
  private readonly video = document.createElement('video');
  private readonly canvas = document.createElement('canvas');

  /** @param onEnded the user stopped sharing from the browser's own controls */
  constructor(private readonly onEnded: () => void) {
    this.video.muted = true;
    this.video.playsInline = true;
  }

  get active(): boolean {
    return this.stream !== undefined;
  }

  /** What `stream_data.input_type` the frames are. */
  get inputType(): ImageInput {
    return isMobileDevice() ? 'camera' : 'screen';
  }

  /** Asks the browser for the screen (or camera); rejects when the user says no. */
  start(): Promise<void> {
    if (this.stream) return Promise.resolve();
    this.starting ??= this.open().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async open(): Promise<void> {
    const media = navigator.mediaDevices;
    if (this.inputType === 'camera') {
      if (!media?.getUserMedia) throw new ScreenShareUnavailableError();
      this.stream = await media.getUserMedia({ video: { facingMode: 'user', width: { ideal: MAX_W }, height: { ideal: MAX_H } }, audio: false });
    } else {
      if (!media?.getDisplayMedia) throw new ScreenShareUnavailableError();
      this.stream = await media.getDisplayMedia({ video: { frameRate: { ideal: 5, max: 10 } }, audio: false });
    }
    for (const track of this.stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        this.stop();
        this.onEnded();
      });
    }
    this.video.srcObject = this.stream;
    try {
      await this.video.play();
    } catch (err) {
      this.stop(); // a share that reports failure must not keep running behind the UI
      throw err;
    }
  }

  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.video.srcObject = null;
  }

  /** The current picture as a data:image/jpeg;base64 URL, or undefined before the first frame. */
  capture(): string | undefined {
    const { videoWidth: w, videoHeight: h } = this.video;
    if (!this.stream || w === 0 || h === 0) return undefined;
    const scale = Math.min(1, MAX_W / w, MAX_H / h);
    this.canvas.width = Math.round(w * scale);
    this.canvas.height = Math.round(h * scale);
    const g = this.canvas.getContext('2d');
    if (!g) return undefined;
    g.drawImage(this.video, 0, 0, this.canvas.width, this.canvas.height);
    return this.canvas.toDataURL('image/jpeg', QUALITY);
  }
}

/** The browser cannot share the screen here (not https/localhost, or no support). */
export class ScreenShareUnavailableError extends Error {
  constructor() {
    super('screen sharing is not available in this browser');
    this.name = 'ScreenShareUnavailableError';
  }
}

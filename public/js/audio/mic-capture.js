// Microphone capture for voice mode: 48 kHz mono, echo cancellation on, noise suppression and
// automatic gain off (as N.E.K.O.'s page asks), delivered as 480-sample int16 frames.

export class MicCapture {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.ctx = null;
    this.stream = null;
    this.node = null;
  }

  get running() {
    return this.stream !== null;
  }

  async start(deviceId) {
    if (this.stream) return;
    const audio = { echoCancellation: true, noiseSuppression: false, autoGainControl: false, channelCount: 1, sampleRate: 48000 };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { ...audio, deviceId: { exact: deviceId } } : audio });
    } catch (err) {
      if (!deviceId || err?.name !== 'OverconstrainedError') throw err;
      this.stream = await navigator.mediaDevices.getUserMedia({ audio }); // the saved device is gone
    }
    try {
      this.ctx = new AudioContext({ sampleRate: 48000 });
      await this.ctx.audioWorklet.addModule('/static/js/audio/mic-capture.worklet.js');
      const source = this.ctx.createMediaStreamSource(this.stream);
      this.node = new AudioWorkletNode(this.ctx, 'neko-mic-capture');
      this.node.port.onmessage = (ev) => this.onFrame(ev.data);
      source.connect(this.node);
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  stop() {
    this.node?.port.close();
    this.node?.disconnect();
    this.node = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    void this.ctx?.close();
    this.ctx = null;
  }
}

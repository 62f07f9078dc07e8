// AudioWorklet: microphone samples → 10 ms frames of 480 signed 16-bit integers at 48 kHz
// (spec §4.4). The AudioContext is created at 48 kHz, so the browser resamples the device.
class MicCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.frame = new Int16Array(480);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      for (let i = 0; i < channel.length; i++) {
        const s = Math.max(-1, Math.min(1, channel[i]));
        this.frame[this.filled++] = s < 0 ? s * 32768 : s * 32767;
        if (this.filled === this.frame.length) {
          this.port.postMessage(this.frame.slice());
          this.filled = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('neko-mic-capture', MicCapture);

/**
 * Custom CosyVoice voices arrive as Ogg/Opus (spec §4.4): one or more whole Ogg pages per binary
 * frame, 48 kHz mono. The pages of a reply are decoded in arrival order into Float32 chunks for
 * the player. The decoder (ogg-opus-decoder, WebAssembly inlined, loaded on the first Ogg frame)
 * hands out a page only once it has seen the next one, so after a short pause the held page is
 * flushed; the flush ends its parsing state, so the stream's header pages are fed again before
 * the next page. A barge-in (stop) drops everything not yet decoded.
 */
import type { OggOpusDecodedAudio, OggOpusDecoder } from 'ogg-opus-decoder';

/** No page for this long: the reply paused or ended, so the page the decoder holds is played. */
export const OGG_IDLE_MS = 120;

/** True when the frame starts with an Ogg page ("OggS"). */
export function isOggPage(data: Uint8Array): boolean {
  return data.length >= 27 && data[0] === 0x4f && data[1] === 0x67 && data[2] === 0x67 && data[3] === 0x53;
}

/** The first packet's magic of a page: "OpusHead" / "OpusTags" mark a stream's header pages. */
function magic(page: Uint8Array): string {
  const start = 27 + (page[26] ?? 0);
  return String.fromCharCode(...page.subarray(start, start + 8));
}

export class OggOpusStream {
  private decoder: Promise<OggOpusDecoder> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private epoch = 0;
  private headers: Uint8Array[] = [];
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly out: (samples: Float32Array) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(page: Uint8Array): void {
    const kind = magic(page);
    if (kind === 'OpusHead') this.headers = [page];
    else if (kind === 'OpusTags') this.headers.push(page);
    // decode() answers a promise whatever its typings say.
    this.run((d) => Promise.resolve(d.decode(page)));
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = undefined;
      this.run(async (d) => {
        const held = await d.flush();
        await d.reset();
        for (const header of this.headers) await Promise.resolve(d.decode(header));
        return held;
      });
    }, OGG_IDLE_MS);
  }

  /** Barge-in: what is queued is dropped; the next reply starts from a clean decoder. */
  stop(): void {
    this.epoch++;
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    this.headers = [];
    this.run(async (d) => {
      await d.reset();
      return undefined;
    }, true);
  }

  /** Runs one decoder step after the previous ones; its audio is played unless a stop came since. */
  private run(step: (d: OggOpusDecoder) => Promise<OggOpusDecodedAudio | undefined>, always = false): void {
    const epoch = this.epoch;
    this.chain = this.chain.then(async () => {
      if (!always && epoch !== this.epoch) return;
      try {
        const decoded = await step(await this.load());
        const samples = decoded?.channelData[0];
        if (epoch === this.epoch && samples && decoded.samplesDecoded > 0) this.out(samples.subarray(0, decoded.samplesDecoded));
      } catch (err) {
        this.onError(err);
      }
    });
  }

  private load(): Promise<OggOpusDecoder> {
    this.decoder ??= import('ogg-opus-decoder').then(async ({ OggOpusDecoder }) => {
      const decoder = new OggOpusDecoder();
      await decoder.ready;
      return decoder;
    });
    return this.decoder;
  }

  /** Waits for every step queued so far (tests). */
  settled(): Promise<void> {
    return this.chain;
  }
}

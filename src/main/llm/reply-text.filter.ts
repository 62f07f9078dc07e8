/**
 * The "fence" of a streamed model reply (spec §6.5): it stops a reply at its second `|` (a model
 * that starts writing `name | text` turns for both sides is cut before it invents the user's
 * turn). Reasoning blocks are removed by ThinkBlockFilter (think-block.filter.ts).
 */

export interface FencedDelta {
  /** What may be shown of this delta. */
  readonly text: string;
  /** The fence was hit: stop the stream, nothing more belongs to this reply. */
  readonly stop: boolean;
}

export class ReplyFence {
  private bars = 0;
  private stopped = false;

  push(delta: string): FencedDelta {
    if (this.stopped) return { text: '', stop: true };
    for (let i = 0; i < delta.length; i++) {
      if (delta[i] !== '|') continue;
      this.bars += 1;
      if (this.bars >= 2) {
        this.stopped = true;
        return { text: delta.slice(0, i), stop: true };
      }
    }
    return { text: delta, stop: false };
  }
}

/**
 * Streaming clean-up of a model reply (spec §6.5): `<think>…</think>` blocks are removed even when a
 * tag is split across deltas, and the "fence" stops a reply at its second `|` (a model that starts
 * writing `name | text` turns for both sides is cut before it invents the user's turn).
 */

const OPEN = '<think>';
const CLOSE = '</think>';

/** Length of the longest suffix of `text` that is a proper prefix of `tag` (a tag possibly cut in two). */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

export class ThinkTagFilter {
  private inThink = false;
  private carry = '';

  /** The visible part of this delta (may be '' while a tag or a think block is pending). */
  push(delta: string): string {
    let text = this.carry + delta;
    this.carry = '';
    let out = '';
    while (text) {
      if (this.inThink) {
        const end = text.indexOf(CLOSE);
        if (end < 0) {
          const keep = partialTagAtEnd(text, CLOSE);
          this.carry = keep ? text.slice(-keep) : '';
          return out;
        }
        text = text.slice(end + CLOSE.length);
        this.inThink = false;
        continue;
      }
      const start = text.indexOf(OPEN);
      if (start >= 0) {
        out += text.slice(0, start);
        text = text.slice(start + OPEN.length);
        this.inThink = true;
        continue;
      }
      const keep = partialTagAtEnd(text, OPEN);
      out += keep ? text.slice(0, -keep) : text;
      this.carry = keep ? text.slice(-keep) : '';
      return out;
    }
    return out;
  }

  /** End of the reply: a held-back `<thi` that never became a tag is text after all; an unclosed block is dropped. */
  flush(): string {
    const rest = this.inThink ? '' : this.carry;
    this.carry = '';
    this.inThink = false;
    return rest;
  }
}

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

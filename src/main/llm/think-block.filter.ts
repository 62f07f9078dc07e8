/**
 * Removes reasoning blocks (`<think>…</think>`, `<thinking>…</thinking>`, `<reasoning>…</reasoning>`)
 * from streamed model text: the text session shows none of it, and the speech output never reads
 * one aloud (a realtime text reply could carry one). Stateful across deltas: an opening tag split
 * between deltas is held until it is complete; a block still open at `flush()` is dropped. The
 * SentenceSplitter then removes the remaining `<tags>`, emoji and markdown marks.
 */
const OPEN = /<(think|thinking|reasoning)\s*>/iu;
/** Longest held tail that could still become an opening tag. */
const MAX_TAG = '<reasoning >'.length;
/** A block longer than this is still dropped, but without holding it in memory. */
export const MAX_HELD_BLOCK_CHARS = 64 * 1024;

const NAMES = ['think', 'thinking', 'reasoning'];

/** True when `tail` (from a `<`) may still become an opening tag once more text comes. */
function couldOpen(tail: string): boolean {
  if (tail.length > MAX_TAG) return false;
  const t = tail.toLowerCase();
  return NAMES.some((n) => `<${n}`.startsWith(t) || (t.startsWith(`<${n}`) && /^\s*$/u.test(t.slice(n.length + 1))));
}

export class ThinkBlockFilter {
  private pending = '';
  /** The closing tag awaited, when inside a block. */
  private closer: RegExp | undefined;

  /** A delta in, the speakable part that is certain out. */
  push(delta: string): string {
    this.pending += delta;
    let out = '';
    for (;;) {
      if (this.closer) {
        const m = this.closer.exec(this.pending);
        if (!m) {
          // Keep only what could hold the start of the closing tag.
          if (this.pending.length > MAX_HELD_BLOCK_CHARS) this.pending = this.pending.slice(-MAX_TAG - 2);
          return out;
        }
        this.pending = this.pending.slice(m.index + m[0].length);
        this.closer = undefined;
        continue;
      }
      const m = OPEN.exec(this.pending);
      if (m) {
        out += this.pending.slice(0, m.index);
        this.pending = this.pending.slice(m.index + m[0].length);
        this.closer = new RegExp(`</${m[1]}\\s*>`, 'iu');
        continue;
      }
      const lt = this.pending.lastIndexOf('<');
      const hold = lt >= 0 && couldOpen(this.pending.slice(lt)) ? lt : this.pending.length;
      out += this.pending.slice(0, hold);
      this.pending = this.pending.slice(hold);
      return out;
    }
  }

  /** End of the turn: what is left outside a block. Then ready for the next turn. */
  flush(): string {
    const rest = this.closer ? '' : this.pending;
    this.reset();
    return rest;
  }

  reset(): void {
    this.pending = '';
    this.closer = undefined;
  }
}

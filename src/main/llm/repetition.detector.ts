/**
 * Spec §6.4 last bullet (both clients): a finished reply is compared with each of the last 3 by
 * character-trigram Jaccard similarity; ≥ 0.8 with at least 2 of them means the model is looping.
 */

const WINDOW = 3;
const THRESHOLD = 0.8;
const NEEDED = 2;
/** Only the start of a very long reply is compared (bounded work per reply). */
const MAX_CHARS = 4000;

function trigrams(text: string): Set<string> {
  const chars = Array.from(text.trim().slice(0, MAX_CHARS));
  const grams = new Set<string>();
  if (chars.length > 0 && chars.length < 3) grams.add(chars.join(''));
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars[i] + chars[i + 1] + chars[i + 2]);
  return grams;
}

/** |A∩B| / |A∪B|; 0 when both are empty. */
export function trigramJaccard(a: string, b: string): number {
  const ga = trigrams(a);
  const gb = trigrams(b);
  if (ga.size === 0 && gb.size === 0) return 0;
  let common = 0;
  for (const g of ga) if (gb.has(g)) common += 1;
  return common / (ga.size + gb.size - common);
}

export class RepetitionDetector {
  private recent: string[] = [];

  /** Records a finished reply; true = it repeats ≥ 2 of the last 3 (the history is then forgotten). */
  check(reply: string): boolean {
    if (!reply.trim()) return false;
    const similar = this.recent.filter((r) => trigramJaccard(reply, r) >= THRESHOLD).length;
    if (similar >= NEEDED) {
      this.recent = [];
      return true;
    }
    this.recent.push(reply);
    if (this.recent.length > WINDOW) this.recent.shift();
    return false;
  }

  reset(): void {
    this.recent = [];
  }
}

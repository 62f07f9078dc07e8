/**
 * `/new_dialog`'s body as text. N.E.K.O.'s memory server answered a JSON string literal that main
 * pasted verbatim (spec §8.2 allows decoding it); ours answers plain text. Both become the plain
 * text. Shared by the chat engine (ChatMemoryService) and the proactive chat.
 */
export function decodeDialog(body: string): string {
  if (!body.startsWith('"')) return body;
  try {
    const decoded: unknown = JSON.parse(body);
    return typeof decoded === 'string' ? decoded : body;
  } catch {
    return body;
  }
}

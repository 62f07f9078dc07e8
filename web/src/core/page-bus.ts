/**
 * Messages between our open windows (no server involved), as the original pages exchange them:
 * localStorage key `nekopage_message` ({action, ...data, timestamp}) for actions such as
 * `reload_model_parameters`, `hide_main_ui`, `show_main_ui`, plus our own `character_changed` and
 * `model_changed`; and window.postMessage types (`voice_id_updated`, `api_key_changed`,
 * `close_memory_browser`) to the opener. The storage event fires in every other window of the site.
 */
const KEY = 'nekopage_message';

export type PageMessage = { readonly action: string; readonly [field: string]: unknown };

export function postPageMessage(action: string, data: Record<string, unknown> = {}): void {
  const message = { ...data, action, timestamp: Date.now() };
  try {
    localStorage.setItem(KEY, JSON.stringify(message));
  } catch {
    // storage disabled: other windows are not told
  }
  try {
    (window.opener as Window | null)?.postMessage({ ...message, type: action }, location.origin);
  } catch {
    // the opener is gone or on another origin
  }
}

/** Calls `listener` for messages other windows post; answers a function that stops listening. */
export function onPageMessage(listener: (message: PageMessage) => void): () => void {
  const onStorage = (ev: StorageEvent) => {
    if (ev.key !== KEY || !ev.newValue) return;
    try {
      const parsed: unknown = JSON.parse(ev.newValue);
      if (parsed && typeof parsed === 'object' && typeof (parsed as PageMessage).action === 'string') listener(parsed as PageMessage);
    } catch {
      // not ours
    }
  };
  const onMessage = (ev: MessageEvent) => {
    if (ev.origin !== location.origin || !ev.data || typeof ev.data !== 'object') return;
    const data = ev.data as Record<string, unknown>;
    const action = typeof data.action === 'string' ? data.action : typeof data.type === 'string' ? data.type : undefined;
    if (action) listener({ ...data, action });
  };
  window.addEventListener('storage', onStorage);
  window.addEventListener('message', onMessage);
  return () => {
    window.removeEventListener('storage', onStorage);
    window.removeEventListener('message', onMessage);
  };
}

/**
 * Pop-up windows (window.open, target=_blank links and forms, noopener) are new pages outside the
 * navigation guard of the page that opened them, so they could load a local address unchecked.
 * Chromium's --block-new-web-contents is not honoured by the headless mode puppeteer drives, so a
 * browser-level DevTools session auto-attaches to every new page while it is still paused before
 * its first request: pages with an opener are closed unresumed, all others (ours) are resumed.
 */
import type { Browser, CDPSession, Protocol } from 'puppeteer-core';

/** Installs the guard on a freshly launched browser; throws when it cannot (the browser must not be used then). */
export async function blockPopups(browser: Browser): Promise<void> {
  const session = await browser.target().createCDPSession();
  const connection = session.connection();
  session.on('Target.attachedToTarget', (event: Protocol.Target.AttachedToTargetEvent) => void decide(session, event, connection?.session(event.sessionId) ?? undefined));
  await session.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
    filter: [
      { type: 'tab', exclude: true },
      { type: 'page', exclude: false },
    ],
  });
}

/** True for a page another page opened (window.open keeps the opener even with noopener). */
export function isPopup(info: Protocol.Target.TargetInfo): boolean {
  return Boolean(info.openerId || info.openerFrameId);
}

async function decide(browserSession: CDPSession, event: Protocol.Target.AttachedToTargetEvent, child: CDPSession | undefined): Promise<void> {
  try {
    if (isPopup(event.targetInfo)) {
      // Closing a pop-up while it is still paused can leave its opener's window.open() hanging
      // (same-process pop-ups), so it is resumed with every request failed, then closed.
      child?.on('Fetch.requestPaused', (paused: Protocol.Fetch.RequestPausedEvent) => void child.send('Fetch.failRequest', { requestId: paused.requestId, errorReason: 'BlockedByClient' }).catch(() => undefined));
      await child?.send('Fetch.enable', { patterns: [{ urlPattern: '*' }] });
      if (event.waitingForDebugger) await child?.send('Runtime.runIfWaitingForDebugger');
      await browserSession.send('Target.closeTarget', { targetId: event.targetInfo.targetId });
      return;
    }
    if (event.waitingForDebugger) await child?.send('Runtime.runIfWaitingForDebugger');
    await browserSession.send('Target.detachFromTarget', { sessionId: event.sessionId });
  } catch {
    // the target or the browser went away meanwhile
  }
}

/**
 * Runs in every document of the agent's page before the page's own scripts: window.open opens
 * nothing (returns null) and links or forms aimed at another window open in this one instead,
 * where the navigation guard checks them and the agent sees the result. The browser-level guard
 * above stays the backstop for anything this misses.
 */
export const SAME_WINDOW_SCRIPT = `(() => {
  const open = () => null;
  try { Object.defineProperty(window, 'open', { value: open, writable: false, configurable: false }); } catch (e) { window.open = open; }
  const retarget = (event) => {
    const path = typeof event.composedPath === 'function' ? event.composedPath() : [event.target];
    for (const node of path) {
      if (node && (node.tagName === 'A' || node.tagName === 'AREA' || node.tagName === 'FORM') && node.target && node.target !== '_self') {
        node.target = '_self';
        return;
      }
    }
  };
  window.addEventListener('click', retarget, true);
  window.addEventListener('auxclick', retarget, true);
  window.addEventListener('submit', retarget, true);
})();`;

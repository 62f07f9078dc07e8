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
      await browserSession.send('Target.closeTarget', { targetId: event.targetInfo.targetId });
      return;
    }
    if (event.waitingForDebugger) await child?.send('Runtime.runIfWaitingForDebugger');
    await browserSession.send('Target.detachFromTarget', { sessionId: event.sessionId });
  } catch {
    // the target or the browser went away meanwhile
  }
}

/**
 * Enforces the host policy on every document request of a page: typed URLs, link clicks, form
 * submits, redirects and frames. Each document request is paused (CDP Fetch domain, on a session of
 * our own) and either continued or failed with BlockedByClient; blocked ones are kept for the
 * action's outcome, so the model learns why the page did not open. The same session evaluates our
 * in-page scripts in an isolated world, where the page's own scripts cannot replace built-ins.
 */
import type { CDPSession, Page, Protocol } from 'puppeteer-core';
import type { HostPolicy } from './browser-url.policy';

const MAX_RECORDS = 5;

export class NavigationGuard {
  private blocked: string[] = [];

  private constructor(
    private readonly session: CDPSession,
    private readonly policy: HostPolicy,
  ) {
    session.on('Fetch.requestPaused', (event) => void this.decide(event));
  }

  /** Attach before the first navigation of `page`. */
  static async attach(page: Page, policy: HostPolicy): Promise<NavigationGuard> {
    const session = await page.createCDPSession();
    const guard = new NavigationGuard(session, policy);
    await session.send('Fetch.enable', { patterns: [{ urlPattern: '*', resourceType: 'Document', requestStage: 'Request' }] });
    return guard;
  }

  /** The policy's verdict for a URL the model wants to open ('' = allowed). */
  async verdict(url: string): Promise<string> {
    return (await this.policy.check(url).catch(() => 'blocked: the address could not be checked')) ?? '';
  }

  /** The first block since the last call, if any (and forgets the rest). */
  takeBlocked(): string | undefined {
    const first = this.blocked[0];
    this.blocked = [];
    return first;
  }

  /** Evaluates `expression` in a fresh isolated world of the main frame; the value comes back as JSON. */
  async evaluate(expression: string): Promise<unknown> {
    const { frameTree } = await this.session.send('Page.getFrameTree');
    const world = await this.session.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'neko-agent' });
    const res = await this.session.send('Runtime.evaluate', { expression, contextId: world.executionContextId, returnByValue: true });
    if (res.exceptionDetails) throw new Error(res.exceptionDetails.exception?.description ?? res.exceptionDetails.text);
    return res.result.value as unknown;
  }

  async detach(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }

  private async decide(event: Protocol.Fetch.RequestPausedEvent): Promise<void> {
    const verdict = await this.verdict(event.request.url);
    try {
      if (verdict) {
        if (this.blocked.length < MAX_RECORDS) this.blocked.push(verdict);
        await this.session.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'BlockedByClient' });
      } else {
        await this.session.send('Fetch.continueRequest', { requestId: event.requestId });
      }
    } catch {
      // the page or its context closed meanwhile
    }
  }
}

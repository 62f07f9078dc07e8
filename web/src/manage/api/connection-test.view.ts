/** "Test connection": asks the server to try a provider or tier and words the answer in #api-test-result. */
import { api } from '../../core/api';
import { el, errorMessage, must } from '../../core/dom';
import { hasMessage, t } from '../../core/i18n';

export interface TestRequest {
  readonly tier: string;
  readonly provider?: string;
  readonly base_url?: string;
  readonly model?: string;
  readonly api_key?: string;
}

interface TestAnswer {
  readonly ok: boolean;
  readonly latency_ms: number;
  readonly model_found?: boolean;
  readonly error_code?: string;
  readonly message: string;
  readonly base_url?: string;
  readonly model?: string;
}

/** The outcome in the user's language; the server's English text is the fallback for codes we do not know. */
function describe(a: TestAnswer): { title: string; detail: string } {
  const params = { ms: a.latency_ms, model: a.model ?? '', url: a.base_url ?? '' };
  if (a.ok) {
    const detail = a.model_found === true ? t('api.result.modelFound', params) : a.model_found === false ? t('api.result.modelMissing', params) : t('api.result.keyWorks');
    return { title: t('api.result.ok', params), detail };
  }
  const key = `api.error.${a.error_code ?? ''}`;
  const detail = hasMessage(key) ? t(key, params) : a.message;
  // Codes whose server text adds facts worth reading (the provider's own words).
  const extra = a.error_code === 'http_error' || a.error_code === 'server_error' ? ` (${a.message})` : '';
  return { title: t('api.result.failed'), detail: detail + extra };
}

export class ConnectionTester {
  private readonly box = must('#api-test-result');
  private running = 0;

  /** Runs one test; the result is shown right after the tester row of the clicked button. */
  async run(button: HTMLButtonElement, request: TestRequest, label: string): Promise<void> {
    const mine = ++this.running;
    button.closest('.tester')?.after(this.box);
    this.box.hidden = false;
    this.box.className = 'test-result is-running';
    this.box.replaceChildren(el('span', { class: 'spinner', 'aria-hidden': 'true' }), el('span', { text: t('api.testing', { what: label }) }));
    button.disabled = true;
    try {
      const answer = await api.post<TestAnswer>('/api/config/test_connection', request, { timeoutMs: 20_000 });
      if (mine !== this.running) return;
      const { title, detail } = describe(answer);
      this.box.className = `test-result ${answer.ok ? (answer.model_found === false ? 'is-warn' : 'is-ok') : 'is-error'}`;
      this.box.dataset.ok = String(answer.ok);
      this.box.dataset.code = answer.error_code ?? '';
      this.box.replaceChildren(
        el('span', { class: 'test-icon', 'aria-hidden': 'true', text: answer.ok ? (answer.model_found === false ? '!' : '✓') : '✕' }),
        el('div', {}, el('strong', { text: `${label}: ${title}` }), el('p', { text: detail }), answer.base_url ? el('p', { class: 'hint', text: t('api.result.where', { url: answer.base_url }) }) : null),
      );
    } catch (err) {
      if (mine !== this.running) return;
      this.box.className = 'test-result is-error';
      this.box.dataset.ok = 'false';
      this.box.replaceChildren(el('span', { class: 'test-icon', 'aria-hidden': 'true', text: '✕' }), el('div', {}, el('strong', { text: t('api.result.failed') }), el('p', { text: errorMessage(err) })));
    } finally {
      button.disabled = false;
    }
  }
}

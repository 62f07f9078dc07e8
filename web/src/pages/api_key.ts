/**
 * API & providers page: core and assist providers, masked keys, per-task endpoints, MCP token,
 * a connection test per provider and task; save → POST /api/config/core_api (then, when the
 * voice key may have changed, POST /api/characters/clear_voice_ids as the original page does).
 */
import { api, ensureOk } from '../core/api';
import { errorMessage, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage } from '../core/page';
import { postPageMessage } from '../core/page-bus';
import { guarded, showLoadError, toast } from '../core/toast';
import { ApiSettingsForm, type CoreApiView, type ProviderListing } from '../manage/api/api-settings.form';
import { ConnectionTester } from '../manage/api/connection-test.view';

interface ProvidersAnswer {
  readonly core_api_providers?: ProviderListing[];
  readonly assist_api_providers?: ProviderListing[];
}

interface SaveAnswer {
  readonly message?: string;
  readonly sessions_ended?: number;
}

bootPage(async () => {
  const form = new ApiSettingsForm();
  const tester = new ConnectionTester();
  const loadError = must('#load-error');
  const save = must<HTMLButtonElement>('#api-save');

  async function load(): Promise<void> {
    try {
      const [list, cfg] = await Promise.all([api.get<ProvidersAnswer>('/api/config/api_providers'), api.get<CoreApiView>('/api/config/core_api')]);
      const providers = ensureOk(list);
      form.load(providers.core_api_providers ?? [], providers.assist_api_providers ?? [], ensureOk(cfg));
      loadError.replaceChildren();
      save.disabled = false;
    } catch (err) {
      showLoadError(loadError, t('api.loadFailed'), err);
      // Saving a form that never loaded would overwrite the stored settings with blanks.
      save.disabled = true;
    }
  }

  form.form.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest<HTMLButtonElement>('[data-action=test-connection]') : null;
    const tier = button?.dataset.tier;
    if (!button || !tier) return;
    void tester.run(button, form.testRequest(tier), form.testLabel(tier));
  });

  form.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const clearVoices = form.audioKeyChanges();
    void guarded(t('api.saveFailed'), async () => {
      const res = ensureOk(await api.post<SaveAnswer>('/api/config/core_api', form.body()));
      if (clearVoices) {
        await api.post('/api/characters/clear_voice_ids', {}).catch((err: unknown) => toast(`${t('api.clearVoicesFailed')}: ${errorMessage(err)}`, 'warn'));
      }
      toast(res.sessions_ended ? t('api.savedRestarted') : t('api.saved'), 'ok');
      postPageMessage('api_key_changed');
      await load();
    }, save);
  });

  onLanguageChange(() => form.describe());
  await load();
});

/**
 * Voice clone (/voice_clone?lanlan_name=): a recording and a name prefix go to
 * POST /api/characters/voice_clone; the new voice id is then given to the character and the
 * window that opened this page is told (voice_id_updated).
 */
import { ApiError } from '../core/api';
import { el, errorMessage, must } from '../core/dom';
import { t } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { postPageMessage } from '../core/page-bus';
import { showLoadError } from '../core/toast';
import { checkVoiceSample, cloneVoice, validPrefix } from '../manage/editors/voice-clone.request';
import { loadCharacters, pickCharacter } from '../manage/editors/pickers.request';

bootPage(async () => {
  const form = must<HTMLFormElement>('#voice-form');
  const select = must<HTMLSelectElement>('#chara-select');
  const fileInput = must<HTMLInputElement>('#voice-file');
  const prefixInput = must<HTMLInputElement>('#voice-prefix');
  const submit = must<HTMLButtonElement>('#voice-submit');
  const listen = must<HTMLAudioElement>('#voice-listen');
  const fileError = must('#voice-file-error');
  const progress = must('#voice-progress');
  const bar = must<HTMLProgressElement>('#voice-progress-bar');
  const progressText = must('#voice-progress-text');
  const result = must('#voice-result');
  let fileProblem: string | undefined;
  /** The check of the file picked last; a submit waits for it, an older check never overwrites it. */
  let checking: Promise<string | undefined> = Promise.resolve(undefined);

  const say = (box: HTMLElement, text: string | undefined) => {
    box.textContent = text ?? '';
    box.hidden = text === undefined;
  };

  fileInput.addEventListener('change', () => {
    void (async () => {
      const file = fileInput.files?.[0];
      if (listen.src) URL.revokeObjectURL(listen.src);
      listen.hidden = !file;
      if (file) listen.src = URL.createObjectURL(file);
      else listen.removeAttribute('src');
      // A file that cannot be read (moved since it was picked) has that as its problem.
      const check = file ? checkVoiceSample(file).catch(errorMessage) : Promise.resolve(undefined);
      checking = check;
      const problem = await check;
      if (checking !== check) return;
      fileProblem = problem;
      say(fileError, fileProblem);
    })();
  });

  const showProgress = (fraction: number | undefined, text: string) => {
    progress.hidden = false;
    // No value: the bar shows "working" while the voice service makes the voice.
    if (fraction === undefined) bar.removeAttribute('value');
    else bar.value = Math.round(fraction * 100);
    progressText.textContent = text;
  };

  const fail = (err: unknown) => {
    const body = err instanceof ApiError && err.body && typeof err.body === 'object' ? (err.body as Record<string, unknown>) : {};
    const suggestion = typeof body.suggestion === 'string' ? body.suggestion : undefined;
    result.replaceChildren(el('div', { class: 'banner banner-error' }, el('strong', { text: t('editors.voice.failed') }), el('p', { text: errorMessage(err) }), suggestion ? el('p', { class: 'hint', text: suggestion }) : null));
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    void checking.then(() => send()).finally(() => (submit.disabled = false));
  });

  const send = async () => {
    const file = fileInput.files?.[0];
    const prefix = prefixInput.value.trim();
    const chara = select.value;
    const problem = !file ? t('editors.voice.noFile') : fileProblem ?? (!validPrefix(prefix) ? t('editors.voice.badPrefix') : undefined);
    if (problem || !file) {
      result.replaceChildren(el('p', { class: 'banner banner-error', text: problem ?? '' }));
      (!file || fileProblem ? fileInput : prefixInput).focus();
      return;
    }
    result.replaceChildren();
    showProgress(0, t('editors.voice.uploading', { percent: 0 }));
    try {
      const voiceId = await cloneVoice(file, prefix, chara, ({ fraction, sent }) => {
        showProgress(sent ? undefined : fraction, sent ? t('editors.voice.working') : t('editors.voice.uploading', { percent: Math.round(fraction * 100) }));
      });
      result.replaceChildren(el(
        'div',
        { class: 'banner banner-ok', 'data-voice-id': voiceId },
        el('strong', { text: chara ? t('editors.voice.doneFor', { name: chara }) : t('editors.voice.done') }),
        el('p', {}, t('editors.voice.voiceId'), ' ', el('code', { text: voiceId })),
      ));
      postPageMessage('voice_id_updated', { voice_id: voiceId, lanlan_name: chara });
    } catch (err) {
      fail(err);
    } finally {
      progress.hidden = true;
    }
  };

  try {
    if (pickCharacter(select, await loadCharacters(), pageData().lanlanName) === '') result.replaceChildren(el('p', { class: 'note', text: t('editors.voice.noCharacter') }));
  } catch (err) {
    showLoadError(must('#load-error'), t('editors.voice.loadFailed'), err);
  }
});

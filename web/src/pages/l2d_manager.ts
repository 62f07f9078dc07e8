/**
 * The models page (/l2d, /model_manager): the gallery of avatars, a live preview, giving a model
 * to a character, uploading models and the per-model emotion mapping.
 */
import { confirmDialog } from '../core/dialog';
import { el, enc, latestRequest, must } from '../core/dom';
import { onLanguageChange, t } from '../core/i18n';
import { bootPage, pageData } from '../core/page';
import { onPageMessage, postPageMessage } from '../core/page-bus';
import { guarded, showLoadError, toast } from '../core/toast';
import { renderLive2dEmotionEditor } from '../manage/editors/live2d-emotion.editor';
import { renderVrmEmotionEditor } from '../manage/editors/vrm-emotion.editor';
import { loadCharacters, pickCharacter } from '../manage/editors/pickers.request';
import { assignModel, cardInUse, deleteVrm, loadModels, type ModelCard } from '../manage/models/model-catalog.service';
import { displayName, renderGallery, sameCard } from '../manage/models/model-gallery.view';
import { ModelPreview } from '../manage/models/model-preview.view';
import { setUpUpload } from '../manage/models/model-upload.view';

bootPage(async () => {
  const list = must('#model-list');
  const charaSelect = must<HTMLSelectElement>('#chara-select');
  const preview = new ModelPreview(must('#model-preview'), must('#preview-status'), must('#preview-tools'));
  const state = { cards: [] as ModelCard[], inUse: undefined as ModelCard | undefined, selected: undefined as ModelCard | undefined, chara: pageData().lanlanName };

  const render = () => {
    renderGallery(list, { cards: state.cards, inUse: state.inUse, selected: state.selected, canUse: state.chara !== '' }, { select, use, remove });
    must('#gallery-only-default').hidden = state.cards.length > 1;
    must('#chara-hint').textContent = state.chara === '' ? t('models.noCharacter') : t('models.galleryHint', { name: state.chara });
    must('#preview-name').textContent = state.selected ? `— ${displayName(state.selected)}` : '';
  };

  const renderMappingTitle = () => {
    const card = state.selected;
    must('#mapping-title').textContent = card ? t('models.mappingFor', { name: displayName(card) }) : t('models.mapping');
  };

  const renderMapping = () => {
    const card = state.selected;
    const isLive2d = card?.kind === 'live2d';
    must('#param-link').hidden = must('#emotion-link').hidden = !isLive2d;
    renderMappingTitle();
    if (!card) {
      must('#emotion-editor').replaceChildren(el('p', { class: 'empty', text: t('models.mappingPick') }));
      return;
    }
    // A fresh box per model: the two editors guard their own requests, not each other's, so a slow
    // Live2D answer must land in a detached box rather than over the VRM editor shown since.
    const box = el('div');
    must('#emotion-editor').replaceChildren(box);
    if (isLive2d) {
      must<HTMLAnchorElement>('#param-link').href = `/live2d_parameter_editor?model=${enc(card.name)}`;
      must<HTMLAnchorElement>('#emotion-link').href = `/live2d_emotion_manager?model=${enc(card.name)}`;
      void renderLive2dEmotionEditor(box, { name: card.name, ...(card.itemId ? { itemId: card.itemId } : {}) });
    } else {
      void renderVrmEmotionEditor(box, { name: card.name, fixed: card.origin === 'default' });
    }
  };

  function select(card: ModelCard): void {
    if (sameCard(card, state.selected)) return;
    state.selected = card;
    render();
    renderMapping();
    void preview.show(card);
  }

  function use(card: ModelCard, button: HTMLButtonElement): void {
    const chara = state.chara;
    void guarded(t('models.assignFailed'), async () => {
      await assignModel(chara, card);
      if (state.chara === chara) state.inUse = card; // else the list now shows another character
      render();
      toast(t('models.assigned', { chara, model: displayName(card) }), 'ok');
      // The companion page (and any other open page) reloads the avatar of this character.
      postPageMessage('model_changed', { name: chara });
    }, button);
  }

  function remove(card: ModelCard, button: HTMLButtonElement): void {
    void (async () => {
      if (!(await confirmDialog(t('models.deleteConfirm', { name: card.name }), { danger: true, okText: t('common.delete') }))) return;
      await guarded(t('models.deleteFailed'), async () => {
        await deleteVrm(card);
        toast(t('models.deleted', { name: card.name }), 'ok');
        // the character falls back to the default avatar: an open companion page shows it now
        if (state.chara !== '' && sameCard(card, state.inUse)) postPageMessage('model_changed', { name: state.chara });
        if (sameCard(card, state.selected)) state.selected = undefined;
        await refresh();
        if (!state.selected) {
          preview.showNothing();
          renderMapping();
        }
      }, button);
    })();
  }

  const inUseRequest = latestRequest();
  const refreshInUse = async () => {
    const isLatest = inUseRequest();
    const inUse = state.chara === '' ? undefined : await cardInUse(state.cards, state.chara);
    if (isLatest()) state.inUse = inUse; // a quicker answer for a character picked since wins
  };

  const refresh = async () => {
    state.cards = await loadModels();
    if (state.selected) state.selected = state.cards.find((c) => sameCard(c, state.selected));
    await refreshInUse();
    render();
  };

  setUpUpload(async (kind, name) => {
    await refresh();
    const added = state.cards.find((c) => c.kind === kind && c.name === name);
    if (added) {
      select(added);
      list.querySelector(`.model-card[data-kind="${kind}"][data-name="${CSS.escape(name)}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    }
  }, (kind, name) => state.cards.some((c) => c.kind === kind && c.name === name && c.origin === 'user'));

  charaSelect.addEventListener('change', () => {
    state.chara = charaSelect.value;
    const url = new URL(location.href);
    url.searchParams.set('lanlan_name', state.chara);
    history.replaceState(history.state, '', url);
    void refreshInUse().then(render);
  });

  onLanguageChange(() => {
    render();
    preview.relabel();
    // not the editor itself: re-building it would drop the mapping the user is editing
    if (state.selected) renderMappingTitle();
    else renderMapping();
  });
  // Another window changed a model or the current character: the "in use" mark follows.
  onPageMessage((message) => {
    if (message.action === 'model_changed' || message.action === 'character_changed') void refreshInUse().then(render);
  });

  try {
    state.chara = pickCharacter(charaSelect, await loadCharacters(), state.chara);
    await refresh();
  } catch (err) {
    showLoadError(must('#load-error'), t('models.loadFailed'), err);
    list.replaceChildren();
    return;
  }
  const first = state.inUse ?? state.cards[0];
  if (first) select(first);
});

/**
 * Adding a model: #model-upload takes a .vrm file or a .zip of a Live2D model,
 * #model-upload-folder a Live2D model folder. Uploads show their progress and plain errors.
 */
import { api, ensureOk } from '../../core/api';
import { errorMessage, must } from '../../core/dom';
import { t } from '../../core/i18n';
import { showError, toast } from '../../core/toast';
import type { AvatarKind } from '../../avatar/avatar.port';

const VRM_MAX_BYTES = 200 * 1024 * 1024;

interface UploadAnswer { model_name?: string; message?: string }

export type Uploaded = (kind: AvatarKind, name: string) => void | Promise<void>;
/** Whether the gallery already has a model of that kind and name (the server never overwrites one). */
export type Exists = (kind: AvatarKind, name: string) => boolean;

interface Plan { readonly kind: AvatarKind; readonly path: string; readonly form: FormData; readonly label: string }

/** What to send for the picked files, or a message saying why they cannot be sent. */
function plan(files: File[], fromFolder: boolean, exists: Exists): Plan | string {
  const form = new FormData();
  if (fromFolder) {
    const paths = files.map((f) => f.webkitRelativePath || f.name);
    if (!paths.some((p) => p.toLowerCase().endsWith('.model3.json'))) {
      return paths.some((p) => p.toLowerCase().endsWith('.model.json')) ? t('models.cubism2Folder') : t('models.noModelFile');
    }
    // Each part's filename is its path inside the picked folder (MyModel/MyModel.model3.json, …).
    files.forEach((f, i) => form.append('files', f, paths[i] ?? f.name));
    const folder = paths[0]?.split('/')[0] ?? '';
    if (exists('live2d', folder)) return t('models.exists', { name: folder });
    return { kind: 'live2d', path: '/api/live2d/upload_model', form, label: folder };
  }
  const file = files[0];
  if (!file) return t('models.badFile');
  const lower = file.name.toLowerCase();
  if (lower.endsWith('.vrm')) {
    if (file.size > VRM_MAX_BYTES) return t('models.tooBig');
    if (exists('vrm', file.name.slice(0, -4))) return t('models.exists', { name: file.name.slice(0, -4) });
    form.append('file', file, file.name);
    return { kind: 'vrm', path: '/api/model/vrm/upload', form, label: file.name };
  }
  if (lower.endsWith('.zip')) {
    form.append('files', file, file.name);
    return { kind: 'live2d', path: '/api/live2d/upload_model', form, label: file.name };
  }
  return t('models.badFile');
}

export function setUpUpload(onUploaded: Uploaded, exists: Exists): void {
  const fileInput = must<HTMLInputElement>('#model-upload');
  const folderInput = must<HTMLInputElement>('#model-upload-folder');
  const box = must('#upload-status');
  const bar = must<HTMLProgressElement>('#upload-progress');
  const text = must('#upload-text');
  let busy = false;

  const show = (message: string, state: 'progress' | 'ok' | 'error') => {
    box.hidden = false;
    box.dataset.state = state;
    bar.hidden = state !== 'progress';
    text.textContent = message;
  };

  const start = async (input: HTMLInputElement, fromFolder: boolean) => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length === 0 || busy) return;
    const p = plan(files, fromFolder, exists);
    if (typeof p === 'string') {
      show(p, 'error');
      return;
    }
    busy = true;
    let added: string | undefined;
    fileInput.disabled = folderInput.disabled = true;
    bar.value = 0;
    show(t('models.uploading', { name: p.label, percent: 0 }), 'progress');
    try {
      const onProgress = ({ fraction, sent }: { fraction: number; sent: boolean }) => {
        bar.value = Math.round(fraction * 100);
        show(sent ? t('models.processing', { name: p.label }) : t('models.uploading', { name: p.label, percent: Math.round(fraction * 100) }), 'progress');
      };
      const res = ensureOk(await api.upload<UploadAnswer>(p.path, p.form, { onProgress }));
      added = res.model_name ?? p.label;
      show(t('models.uploaded', { name: added }), 'ok');
      toast(t('models.uploaded', { name: added }), 'ok');
    } catch (err) {
      show(`${t('models.uploadFailed')}: ${errorMessage(err)}`, 'error');
    } finally {
      busy = false;
      fileInput.disabled = folderInput.disabled = false;
    }
    // outside the try: the model is on the server even if refreshing the gallery fails
    if (added !== undefined) await Promise.resolve(onUploaded(p.kind, added)).catch((err: unknown) => showError(t('models.loadFailed'), err));
  };

  fileInput.addEventListener('change', () => void start(fileInput, false));
  folderInput.addEventListener('change', () => void start(folderInput, true));
}

// Messages of the chara area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'chara.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'chara.placeholder': '…',
};

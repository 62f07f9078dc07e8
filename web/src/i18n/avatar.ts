// Messages of the avatar area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'avatar.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'avatar.placeholder': '…',
};

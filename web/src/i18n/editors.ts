// Messages of the editors area (English, Simplified Chinese). Placeholders: {name}.
import type { Translation } from './types';

export const en = {
  'editors.placeholder': '…',
} as const;

export const zh: Translation<typeof en> = {
  'editors.placeholder': '…',
};

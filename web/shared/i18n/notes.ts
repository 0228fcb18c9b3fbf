/** Strings of internal notes in the console (the widget never shows a note). */
import type { Catalogue } from './index.js';

export type NotesKey =
  | 'noteLabel'
  | 'noteToggle'
  | 'noteToggleHint'
  | 'notePlaceholder'
  | 'noteBy'
  | 'noteFailed';

export const noteStrings: Catalogue<NotesKey> = {
  en: {
    noteLabel: 'Internal note',
    noteToggle: 'Note',
    noteToggleHint: 'Write an internal note: only admins see it, never the customer',
    notePlaceholder: 'Internal note for admins (the customer never sees it)…',
    noteBy: 'Internal note by {name}',
    noteFailed: 'The note was not saved: {reason}',
  },
  ru: {
    noteLabel: 'Внутренняя заметка',
    noteToggle: 'Заметка',
    noteToggleHint: 'Написать внутреннюю заметку: её видят только администраторы, клиент — никогда',
    notePlaceholder: 'Внутренняя заметка для администраторов (клиент её не увидит)…',
    noteBy: 'Внутренняя заметка от {name}',
    noteFailed: 'Заметка не сохранена: {reason}',
  },
  uz: {
    noteLabel: 'Ichki eslatma',
    noteToggle: 'Eslatma',
    noteToggleHint: 'Ichki eslatma yozish: uni faqat adminlar koʻradi, mijoz hech qachon',
    notePlaceholder: 'Adminlar uchun ichki eslatma (mijoz uni koʻrmaydi)…',
    noteBy: '{name} yozgan ichki eslatma',
    noteFailed: 'Eslatma saqlanmadi: {reason}',
  },
};

/** Strings of a superadmin's export and erasure of a user, in the console. */
import type { Catalogue } from './index.js';

export type PrivacyKey =
  | 'userDataTitle'
  | 'exportUser'
  | 'exportFailed'
  | 'eraseUser'
  | 'confirmErase'
  | 'confirmEraseYes'
  | 'cancel'
  | 'eraseFailed'
  | 'erased';

export const privacyStrings: Catalogue<PrivacyKey> = {
  en: {
    userDataTitle: 'Customer data',
    exportUser: 'Export data',
    exportFailed: 'The data was not exported: {reason}',
    eraseUser: 'Erase user',
    confirmErase:
      'Erase {name} ({id})? In every chat of theirs, their messages, name, customer context, rating comments, the notes and the attachments are erased for good; counts and the audit log stay, under a pseudonym. Open chats are closed. This cannot be undone.',
    confirmEraseYes: 'Erase for good',
    cancel: 'Cancel',
    eraseFailed: 'The user was not erased: {reason}',
    erased: 'Erased. Chats: {chats}, messages: {messages}, attachments: {attachments}.',
  },
  ru: {
    userDataTitle: 'Данные клиента',
    exportUser: 'Выгрузить данные',
    exportFailed: 'Данные не выгружены: {reason}',
    eraseUser: 'Стереть пользователя',
    confirmErase:
      'Стереть {name} ({id})? Во всех его чатах навсегда стираются его сообщения, имя, данные клиента, комментарии к оценкам, заметки и вложения; счётчики и журнал аудита остаются под псевдонимом. Открытые чаты закрываются. Отменить это нельзя.',
    confirmEraseYes: 'Стереть навсегда',
    cancel: 'Отмена',
    eraseFailed: 'Пользователь не стёрт: {reason}',
    erased: 'Стёрто. Чаты: {chats}, сообщения: {messages}, вложения: {attachments}.',
  },
  uz: {
    userDataTitle: 'Mijoz maʼlumotlari',
    exportUser: 'Maʼlumotlarni yuklab olish',
    exportFailed: 'Maʼlumotlar yuklab olinmadi: {reason}',
    eraseUser: 'Foydalanuvchini oʻchirish',
    confirmErase:
      '{name} ({id}) oʻchirilsinmi? Uning barcha chatlarida xabarlari, ismi, mijoz maʼlumotlari, baho izohlari, qaydlar va ilovalar butunlay oʻchiriladi; hisoblar va audit jurnali taxallus ostida qoladi. Ochiq chatlar yopiladi. Buni qaytarib boʻlmaydi.',
    confirmEraseYes: 'Butunlay oʻchirish',
    cancel: 'Bekor qilish',
    eraseFailed: 'Foydalanuvchi oʻchirilmadi: {reason}',
    erased: 'Oʻchirildi: {chats} ta chat, {messages} ta xabar, {attachments} ta ilova.',
  },
};

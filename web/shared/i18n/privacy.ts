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
    userDataTitle: "Mijoz ma'lumotlari",
    exportUser: "Ma'lumotlarni yuklab olish",
    exportFailed: "Ma'lumotlar yuklab olinmadi: {reason}",
    eraseUser: "Foydalanuvchini o'chirish",
    confirmErase:
      "{name} ({id}) o'chirilsinmi? Uning barcha chatlarida xabarlari, ismi, mijoz ma'lumotlari, baho izohlari, qaydlar va ilovalar butunlay o'chiriladi; hisoblar va audit jurnali taxallus ostida qoladi. Ochiq chatlar yopiladi. Buni qaytarib bo'lmaydi.",
    confirmEraseYes: "Butunlay o'chirish",
    cancel: 'Bekor qilish',
    eraseFailed: "Foydalanuvchi o'chirilmadi: {reason}",
    erased: "O'chirildi: {chats} ta chat, {messages} ta xabar, {attachments} ta ilova.",
  },
};

/** Strings of a chat's Audit tab in the console (superadmins). */
import type { Catalogue } from './index.js';

export type AuditKey =
  | 'chatTabs'
  | 'conversationTab'
  | 'auditTab'
  | 'auditCaption'
  | 'auditTime'
  | 'auditActor'
  | 'auditAction'
  | 'auditDetails'
  | 'auditHash'
  | 'auditOlder'
  | 'auditRefresh'
  | 'auditEmpty'
  | 'auditLoading'
  | 'auditFailed';

export const auditStrings: Catalogue<AuditKey> = {
  en: {
    chatTabs: 'Chat views',
    conversationTab: 'Conversation',
    auditTab: 'Audit',
    auditCaption: "The chat's audit log, newest first",
    auditTime: 'Time',
    auditActor: 'Who',
    auditAction: 'Action',
    auditDetails: 'Details',
    auditHash: 'Hash',
    auditOlder: 'Older entries',
    auditRefresh: 'Refresh',
    auditEmpty: 'No audit entries for this chat.',
    auditLoading: 'Loading the audit log…',
    auditFailed: 'The audit log could not be loaded: {reason}',
  },
  ru: {
    chatTabs: 'Разделы чата',
    conversationTab: 'Переписка',
    auditTab: 'Аудит',
    auditCaption: 'Журнал аудита чата, сначала новые',
    auditTime: 'Время',
    auditActor: 'Кто',
    auditAction: 'Действие',
    auditDetails: 'Подробности',
    auditHash: 'Хеш',
    auditOlder: 'Более ранние записи',
    auditRefresh: 'Обновить',
    auditEmpty: 'По этому чату нет записей аудита.',
    auditLoading: 'Загрузка журнала аудита…',
    auditFailed: 'Журнал аудита не загрузился: {reason}',
  },
  uz: {
    chatTabs: 'Chat boʻlimlari',
    conversationTab: 'Yozishma',
    auditTab: 'Audit',
    auditCaption: 'Chatning audit jurnali, avval yangilari',
    auditTime: 'Vaqt',
    auditActor: 'Kim',
    auditAction: 'Amal',
    auditDetails: 'Tafsilotlar',
    auditHash: 'Xesh',
    auditOlder: 'Oldingi yozuvlar',
    auditRefresh: 'Yangilash',
    auditEmpty: 'Bu chat boʻyicha audit yozuvlari yoʻq.',
    auditLoading: 'Audit jurnali yuklanmoqda…',
    auditFailed: 'Audit jurnali yuklanmadi: {reason}',
  },
};

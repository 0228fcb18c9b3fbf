/** Strings of the console's agent tools: canned replies and labels. */
import type { Catalogue } from './index.js';

export type ToolKey =
  | 'cannedOffered'
  | 'cannedListLabel'
  | 'cannedHint'
  | 'cannedTab'
  | 'cannedEmpty'
  | 'cannedNone'
  | 'cannedNew'
  | 'cannedEdit'
  | 'cannedDelete'
  | 'cannedDeleteConfirm'
  | 'cannedShortcut'
  | 'cannedShortcutHelp'
  | 'cannedTitle'
  | 'cannedContent'
  | 'cannedContentHelp'
  | 'cannedScope'
  | 'cannedScopePersonal'
  | 'cannedScopeTeam'
  | 'cannedSave'
  | 'cannedCancel'
  | 'cannedFailed'
  | 'labels'
  | 'labelAdd'
  | 'labelAddButton'
  | 'labelRemove'
  | 'labelFilter'
  | 'labelFilterAny'
  | 'labelFailed'
  | 'labelsNone';

export const toolStrings: Catalogue<ToolKey> = {
  en: {
    cannedOffered: '{count} canned replies: up and down arrows to choose, Enter to insert',
    cannedListLabel: 'Canned replies',
    cannedHint: 'Type / for canned replies',
    cannedTab: 'Replies',
    cannedEmpty: 'No canned replies yet.',
    cannedNone: 'No canned replies yet. Add them under “{tab}” at the top of the page.',
    cannedNew: 'New canned reply',
    cannedEdit: 'Edit',
    cannedDelete: 'Delete',
    cannedDeleteConfirm: 'Delete /{shortcut}?',
    cannedShortcut: 'Shortcut',
    cannedShortcutHelp: 'Typed after / in the reply box: letters, digits, - and _.',
    cannedTitle: 'Title',
    cannedContent: 'Text',
    cannedContentHelp: '{{user.name}} becomes the customer’s name, {{agent.name}} yours.',
    cannedScope: 'For',
    cannedScopePersonal: 'Me only',
    cannedScopeTeam: 'The whole team',
    cannedSave: 'Save',
    cannedCancel: 'Cancel',
    cannedFailed: 'Could not save: {reason}',
    labels: 'Labels',
    labelAdd: 'Add a label',
    labelAddButton: 'Add',
    labelRemove: 'Remove label {label}',
    labelFilter: 'Label',
    labelFilterAny: 'Any label',
    labelFailed: 'Could not change the labels: {reason}',
    labelsNone: 'No labels',
  },
  ru: {
    cannedOffered: 'Шаблонов ответа: {count}. Стрелки вверх и вниз — выбрать, Enter — вставить',
    cannedListLabel: 'Шаблоны ответов',
    cannedHint: 'Наберите / для шаблонов ответов',
    cannedTab: 'Шаблоны',
    cannedEmpty: 'Шаблонов пока нет.',
    cannedNone: 'Шаблонов пока нет. Добавьте их в разделе «{tab}» вверху страницы.',
    cannedNew: 'Новый шаблон',
    cannedEdit: 'Изменить',
    cannedDelete: 'Удалить',
    cannedDeleteConfirm: 'Удалить /{shortcut}?',
    cannedShortcut: 'Сокращение',
    cannedShortcutHelp: 'Набирается после / в поле ответа: буквы, цифры, - и _.',
    cannedTitle: 'Название',
    cannedContent: 'Текст',
    cannedContentHelp: '{{user.name}} заменится именем клиента, {{agent.name}} — вашим.',
    cannedScope: 'Для кого',
    cannedScopePersonal: 'Только для меня',
    cannedScopeTeam: 'Для всей команды',
    cannedSave: 'Сохранить',
    cannedCancel: 'Отмена',
    cannedFailed: 'Не удалось сохранить: {reason}',
    labels: 'Метки',
    labelAdd: 'Добавить метку',
    labelAddButton: 'Добавить',
    labelRemove: 'Убрать метку {label}',
    labelFilter: 'Метка',
    labelFilterAny: 'Любая метка',
    labelFailed: 'Не удалось изменить метки: {reason}',
    labelsNone: 'Меток нет',
  },
  uz: {
    cannedOffered:
      '{count} ta tayyor javob: tanlash uchun yuqori va pastki strelkalar, qoʻyish uchun Enter',
    cannedListLabel: 'Tayyor javoblar',
    cannedHint: 'Tayyor javoblar uchun / yozing',
    cannedTab: 'Javoblar',
    cannedEmpty: 'Hali tayyor javoblar yoʻq.',
    cannedNone: 'Hali tayyor javoblar yoʻq. Ularni sahifa tepasidagi “{tab}” boʻlimida qoʻshing.',
    cannedNew: 'Yangi tayyor javob',
    cannedEdit: 'Tahrirlash',
    cannedDelete: 'Oʻchirish',
    cannedDeleteConfirm: '/{shortcut} oʻchirilsinmi?',
    cannedShortcut: 'Qisqartma',
    cannedShortcutHelp: 'Javob maydonida / dan keyin yoziladi: harflar, raqamlar, - va _.',
    cannedTitle: 'Sarlavha',
    cannedContent: 'Matn',
    cannedContentHelp:
      '{{user.name}} mijozning ismiga, {{agent.name}} sizning ismingizga almashadi.',
    cannedScope: 'Kim uchun',
    cannedScopePersonal: 'Faqat men uchun',
    cannedScopeTeam: 'Butun jamoa uchun',
    cannedSave: 'Saqlash',
    cannedCancel: 'Bekor qilish',
    cannedFailed: 'Saqlab boʻlmadi: {reason}',
    labels: 'Belgilar',
    labelAdd: 'Belgi qoʻshish',
    labelAddButton: 'Qoʻshish',
    labelRemove: '{label} belgisini olib tashlash',
    labelFilter: 'Belgi',
    labelFilterAny: 'Istalgan belgi',
    labelFailed: 'Belgilarni oʻzgartirib boʻlmadi: {reason}',
    labelsNone: 'Belgilar yoʻq',
  },
};

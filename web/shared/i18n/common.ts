/** Strings both the console and the widget show. */
import type { Catalogue } from './index.js';

export type CommonKey =
  | 'message'
  | 'messagePlaceholder'
  | 'send'
  | 'sending'
  | 'sent'
  | 'seen'
  | 'failed'
  | 'retry'
  | 'connecting'
  | 'reconnecting'
  | 'online'
  | 'signedOut'
  | 'typing'
  | 'attachment'
  | 'image'
  | 'messages'
  | 'loadingOlder'
  | 'loadOlder'
  | 'you'
  | 'chatClosed'
  | 'newMessagesTitle'
  | 'shiftEnterHint'
  | 'today'
  | 'yesterday';

export const common: Catalogue<CommonKey> = {
  en: {
    message: 'Message',
    messagePlaceholder: 'Write a message…',
    send: 'Send',
    sending: 'Sending…',
    sent: 'Sent',
    seen: 'Seen',
    failed: 'Not sent',
    retry: 'Retry',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    online: 'Connected',
    signedOut: 'Your session has expired. Sign in again.',
    typing: '{name} is typing…',
    attachment: 'Attachment',
    image: 'Image',
    messages: 'Messages',
    loadingOlder: 'Loading earlier messages…',
    loadOlder: 'Load earlier messages',
    you: 'You',
    chatClosed: 'This chat is closed.',
    newMessagesTitle: '({count}) {title}',
    shiftEnterHint: 'Enter sends, Shift+Enter starts a new line',
    today: 'Today',
    yesterday: 'Yesterday',
  },
  ru: {
    message: 'Сообщение',
    messagePlaceholder: 'Напишите сообщение…',
    send: 'Отправить',
    sending: 'Отправляется…',
    sent: 'Отправлено',
    seen: 'Прочитано',
    failed: 'Не отправлено',
    retry: 'Повторить',
    connecting: 'Подключение…',
    reconnecting: 'Переподключение…',
    online: 'Подключено',
    signedOut: 'Сеанс истёк. Войдите снова.',
    typing: '{name} печатает…',
    attachment: 'Вложение',
    image: 'Изображение',
    messages: 'Сообщения',
    loadingOlder: 'Загружаем более ранние сообщения…',
    loadOlder: 'Показать более ранние сообщения',
    you: 'Вы',
    chatClosed: 'Этот чат закрыт.',
    newMessagesTitle: '({count}) {title}',
    shiftEnterHint: 'Enter — отправить, Shift+Enter — новая строка',
    today: 'Сегодня',
    yesterday: 'Вчера',
  },
  uz: {
    message: 'Xabar',
    messagePlaceholder: 'Xabar yozing…',
    send: 'Yuborish',
    sending: 'Yuborilmoqda…',
    sent: 'Yuborildi',
    seen: 'Koʻrildi',
    failed: 'Yuborilmadi',
    retry: 'Qayta urinish',
    connecting: 'Ulanmoqda…',
    reconnecting: 'Qayta ulanmoqda…',
    online: 'Ulangan',
    signedOut: 'Seans muddati tugadi. Qaytadan kiring.',
    typing: '{name} yozmoqda…',
    attachment: 'Ilova',
    image: 'Rasm',
    messages: 'Xabarlar',
    loadingOlder: 'Oldingi xabarlar yuklanmoqda…',
    loadOlder: 'Oldingi xabarlarni koʻrsatish',
    you: 'Siz',
    chatClosed: 'Bu chat yopilgan.',
    newMessagesTitle: '({count}) {title}',
    shiftEnterHint: 'Enter — yuborish, Shift+Enter — yangi qator',
    today: 'Bugun',
    yesterday: 'Kecha',
  },
};

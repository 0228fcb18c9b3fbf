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
  | 'shiftEnterHint'
  | 'today'
  | 'yesterday'
  | 'attach'
  | 'attachLimit'
  | 'dropToAttach'
  | 'uploading'
  | 'uploadReady'
  | 'cancelUpload'
  | 'removeAttachment'
  | 'attachTooLarge'
  | 'attachTooLargeNoLimit'
  | 'attachWrongType'
  | 'attachInfected'
  | 'attachQuota'
  | 'attachRateLimited'
  | 'attachNetwork'
  | 'attachSlow'
  | 'attachPixels'
  | 'attachDamaged'
  | 'attachScanner'
  | 'attachFailed'
  | 'openImage'
  | 'openInNewTab'
  | 'closeImage'
  | 'imageUnavailable'
  | 'sizeB'
  | 'sizeKB'
  | 'sizeMB'
  | 'sizeGB';

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
    shiftEnterHint: 'Enter sends, Shift+Enter starts a new line',
    today: 'Today',
    yesterday: 'Yesterday',
    attach: 'Attach a file',
    attachLimit: 'Images, PDF or text, up to {max}',
    dropToAttach: 'Drop the file here to attach it',
    uploading: 'Uploading {name}…',
    uploadReady: '{name} is attached. Send it, with a caption if you like.',
    cancelUpload: 'Cancel the upload',
    removeAttachment: 'Remove the attachment',
    attachTooLarge: '{name} is too large: files up to {max} can be sent.',
    attachTooLargeNoLimit: '{name} is too large to send.',
    attachWrongType:
      '{name} cannot be sent: only images (PNG, JPEG, GIF, WebP), PDF and plain text files are accepted.',
    attachInfected: '{name} was refused: the virus check found something in it.',
    attachQuota:
      'Your space for files is full. Files you attached but did not send are removed after a day.',
    attachRateLimited: 'Too many files in a short time. Try again in a minute.',
    attachNetwork: '{name} could not be uploaded: the connection failed. Try again.',
    attachSlow:
      '{name} could not be uploaded: the connection was too slow. Try again on a better one.',
    attachPixels: '{name} has too many pixels. Send a smaller image or a screenshot of part of it.',
    attachDamaged: '{name} could not be read: the image seems damaged.',
    attachScanner: 'Files cannot be checked for viruses right now. Try again in a few minutes.',
    attachFailed: '{name} could not be uploaded ({reason}).',
    openImage: 'Open {name} full size',
    openInNewTab: 'Open in a new tab',
    closeImage: 'Close',
    imageUnavailable: '{name} could not be shown. Open the file',
    sizeB: '{n} B',
    sizeKB: '{n} KB',
    sizeMB: '{n} MB',
    sizeGB: '{n} GB',
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
    shiftEnterHint: 'Enter — отправить, Shift+Enter — новая строка',
    today: 'Сегодня',
    yesterday: 'Вчера',
    attach: 'Прикрепить файл',
    attachLimit: 'Изображения, PDF или текст, до {max}',
    dropToAttach: 'Отпустите файл, чтобы прикрепить его',
    uploading: 'Загружаем {name}…',
    uploadReady: '{name} прикреплён. Отправьте его, можно с подписью.',
    cancelUpload: 'Отменить загрузку',
    removeAttachment: 'Убрать вложение',
    attachTooLarge: '{name} слишком большой: можно отправлять файлы до {max}.',
    attachTooLargeNoLimit: '{name} слишком большой для отправки.',
    attachWrongType:
      '{name} нельзя отправить: принимаются только изображения (PNG, JPEG, GIF, WebP), PDF и простые текстовые файлы.',
    attachInfected: '{name} отклонён: антивирусная проверка что-то в нём нашла.',
    attachQuota:
      'Место для ваших файлов закончилось. Прикреплённые, но не отправленные файлы удаляются через сутки.',
    attachRateLimited: 'Слишком много файлов за короткое время. Попробуйте через минуту.',
    attachNetwork: 'Не удалось загрузить {name}: соединение прервалось. Попробуйте ещё раз.',
    attachSlow:
      'Не удалось загрузить {name}: соединение слишком медленное. Попробуйте при лучшей связи.',
    attachPixels:
      'В {name} слишком много пикселей. Отправьте изображение поменьше или снимок части экрана.',
    attachDamaged: 'Не удалось прочитать {name}: изображение, похоже, повреждено.',
    attachScanner: 'Сейчас файлы нельзя проверить на вирусы. Попробуйте через несколько минут.',
    attachFailed: 'Не удалось загрузить {name} ({reason}).',
    openImage: 'Открыть {name} в полном размере',
    openInNewTab: 'Открыть в новой вкладке',
    closeImage: 'Закрыть',
    imageUnavailable: 'Не удалось показать {name}. Открыть файл',
    sizeB: '{n} Б',
    sizeKB: '{n} КБ',
    sizeMB: '{n} МБ',
    sizeGB: '{n} ГБ',
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
    shiftEnterHint: 'Enter — yuborish, Shift+Enter — yangi qator',
    today: 'Bugun',
    yesterday: 'Kecha',
    attach: 'Fayl biriktirish',
    attachLimit: 'Rasmlar, PDF yoki matn, {max} gacha',
    dropToAttach: 'Biriktirish uchun faylni shu yerga tashlang',
    uploading: '{name} yuklanmoqda…',
    uploadReady: '{name} biriktirildi. Uni yuboring, xohlasangiz izoh bilan.',
    cancelUpload: 'Yuklashni bekor qilish',
    removeAttachment: 'Ilovani olib tashlash',
    attachTooLarge: '{name} juda katta: {max} gacha boʻlgan fayllarni yuborish mumkin.',
    attachTooLargeNoLimit: '{name} yuborish uchun juda katta.',
    attachWrongType:
      '{name} yuborilmaydi: faqat rasmlar (PNG, JPEG, GIF, WebP), PDF va oddiy matn fayllari qabul qilinadi.',
    attachInfected: '{name} rad etildi: virus tekshiruvi unda nimadir topdi.',
    attachQuota:
      'Fayllaringiz uchun joy tugadi. Biriktirilgan, lekin yuborilmagan fayllar bir kundan keyin oʻchiriladi.',
    attachRateLimited: 'Qisqa vaqtda juda koʻp fayl. Bir daqiqadan keyin qayta urinib koʻring.',
    attachNetwork: '{name} yuklanmadi: ulanish uzildi. Qayta urinib koʻring.',
    attachSlow: '{name} yuklanmadi: ulanish juda sekin. Yaxshiroq aloqada qayta urinib koʻring.',
    attachPixels:
      '{name} da piksellar juda koʻp. Kichikroq rasm yoki ekranning bir qismi suratini yuboring.',
    attachDamaged: '{name} oʻqib boʻlmadi: rasm shikastlanganga oʻxshaydi.',
    attachScanner:
      'Hozir fayllarni virusga tekshirib boʻlmaydi. Bir necha daqiqadan keyin urinib koʻring.',
    attachFailed: '{name} yuklanmadi ({reason}).',
    openImage: '{name} ni toʻliq oʻlchamda ochish',
    openInNewTab: 'Yangi varaqda ochish',
    closeImage: 'Yopish',
    imageUnavailable: '{name} koʻrsatilmadi. Faylni ochish',
    sizeB: '{n} bayt',
    sizeKB: '{n} KB',
    sizeMB: '{n} MB',
    sizeGB: '{n} GB',
  },
};

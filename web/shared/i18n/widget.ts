/** Strings of the embeddable widget. */
import type { Catalogue } from './index.js';

export type WidgetKey =
  | 'openChat'
  | 'openChatUnread'
  | 'closeChat'
  | 'title'
  | 'intro'
  | 'waitingAgent'
  | 'talkingTo'
  | 'agentJoined'
  | 'agentChanged'
  | 'newChat'
  | 'startFailed'
  | 'notConfigured'
  | 'sessionEnded'
  | 'noSignIn'
  | 'rateAsk'
  | 'rateStar'
  | 'rateComment'
  | 'rateSend'
  | 'rateThanks'
  | 'rateFailed'
  | 'rateLate'
  | 'queuePosition'
  | 'queuePositionWait'
  | 'offlineUntil'
  | 'offline';

export const widgetStrings: Catalogue<WidgetKey> = {
  en: {
    openChat: 'Open support chat',
    openChatUnread: 'Open support chat, {count} new',
    closeChat: 'Close the chat window',
    title: 'Support',
    intro: 'Questions about a payment or your account? Write to us.',
    waitingAgent: 'An agent will answer soon',
    talkingTo: 'You are talking to {name}',
    agentJoined: '{name} joined the chat',
    agentChanged: 'Your chat was passed to {name}',
    newChat: 'Start a new chat',
    startFailed: 'Could not start the chat. Try again.',
    notConfigured: 'Chat is unavailable: the page gave no user.',
    sessionEnded: 'The chat was disconnected. Reload the page to continue.',
    noSignIn: 'The chat is not available on this page right now.',
    rateAsk: 'How was your chat?',
    rateStar: '{count} of 5',
    rateComment: 'Anything to add? (optional)',
    rateSend: 'Send rating',
    rateThanks: 'Thank you for your rating!',
    rateFailed: 'Could not send the rating. Try again.',
    rateLate: 'This chat can no longer be rated.',
    queuePosition: 'You are number {position} in the queue',
    queuePositionWait: 'You are number {position} in the queue, about {wait}',
    offlineUntil: 'We’re offline — we answer from {time}; leave your message',
    offline: 'We’re offline right now — leave your message and we will answer',
  },
  ru: {
    openChat: 'Открыть чат поддержки',
    openChatUnread: 'Открыть чат поддержки, новых: {count}',
    closeChat: 'Закрыть окно чата',
    title: 'Поддержка',
    intro: 'Вопрос о платеже или аккаунте? Напишите нам.',
    waitingAgent: 'Оператор скоро ответит',
    talkingTo: 'Вам отвечает {name}',
    agentJoined: 'К чату подключился оператор {name}',
    agentChanged: 'Ваш чат передан оператору {name}',
    newChat: 'Начать новый чат',
    startFailed: 'Не удалось начать чат. Попробуйте ещё раз.',
    notConfigured: 'Чат недоступен: страница не указала пользователя.',
    sessionEnded: 'Чат отключён. Обновите страницу, чтобы продолжить.',
    noSignIn: 'Чат сейчас недоступен на этой странице.',
    rateAsk: 'Как прошёл разговор?',
    rateStar: '{count} из 5',
    rateComment: 'Хотите что-то добавить? (необязательно)',
    rateSend: 'Отправить оценку',
    rateThanks: 'Спасибо за оценку!',
    rateFailed: 'Не удалось отправить оценку. Попробуйте ещё раз.',
    rateLate: 'Этот чат уже нельзя оценить.',
    queuePosition: 'Ваше место в очереди: {position}',
    queuePositionWait: 'Ваше место в очереди: {position}, примерно {wait}',
    offlineUntil: 'Сейчас мы не на связи — ответим с {time}; оставьте сообщение',
    offline: 'Сейчас мы не на связи — оставьте сообщение, и мы ответим',
  },
  uz: {
    openChat: 'Yordam chatini ochish',
    openChatUnread: 'Yordam chatini ochish, yangi: {count}',
    closeChat: 'Chat oynasini yopish',
    title: 'Yordam',
    intro: 'Toʻlov yoki hisobingiz haqida savol bormi? Bizga yozing.',
    waitingAgent: 'Operator tez orada javob beradi',
    talkingTo: 'Sizga {name} javob bermoqda',
    agentJoined: '{name} chatga qoʻshildi',
    agentChanged: 'Chatingiz operatorga topshirildi: {name}',
    newChat: 'Yangi chat boshlash',
    startFailed: 'Chatni boshlab boʻlmadi. Qayta urinib koʻring.',
    notConfigured: 'Chat mavjud emas: sahifa foydalanuvchini koʻrsatmagan.',
    sessionEnded: 'Chat uzildi. Davom etish uchun sahifani yangilang.',
    noSignIn: 'Bu sahifada chat hozir mavjud emas.',
    rateAsk: 'Suhbat qanday oʻtdi?',
    rateStar: '5 dan {count}',
    rateComment: 'Qoʻshimcha fikringiz bormi? (ixtiyoriy)',
    rateSend: 'Bahoni yuborish',
    rateThanks: 'Bahoingiz uchun rahmat!',
    rateFailed: 'Bahoni yuborib boʻlmadi. Qayta urinib koʻring.',
    rateLate: 'Bu chatni endi baholab boʻlmaydi.',
    queuePosition: 'Siz navbatda {position}-oʻrindasiz',
    queuePositionWait: 'Siz navbatda {position}-oʻrindasiz, taxminan {wait}',
    offlineUntil: 'Hozir biz aloqada emasmiz — {time} dan javob beramiz; xabaringizni qoldiring',
    offline: 'Hozir biz aloqada emasmiz — xabaringizni qoldiring, javob beramiz',
  },
};

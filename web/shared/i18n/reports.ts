/** Strings of the console's Reports page. */
import type { Catalogue } from './index.js';

export type ReportKey =
  | 'reportsTab'
  | 'reportsTitle'
  | 'scopeAll'
  | 'scopeOwn'
  | 'period'
  | 'from'
  | 'to'
  | 'timezone'
  | 'interval'
  | 'intervalDay'
  | 'intervalHour'
  | 'show'
  | 'loading'
  | 'failed'
  | 'pageFailed'
  | 'summary'
  | 'chats'
  | 'opened'
  | 'closed'
  | 'missed'
  | 'waiting'
  | 'firstResponse'
  | 'resolution'
  | 'median'
  | 'p90'
  | 'messages'
  | 'messagesUser'
  | 'messagesAdmin'
  | 'csat'
  | 'csatAverage'
  | 'csatResponses'
  | 'csatPositive'
  | 'csatScore'
  | 'csatSplit'
  | 'volumeChart'
  | 'firstResponseChart'
  | 'csatChart'
  | 'bucket'
  | 'showTable'
  | 'hideTable'
  | 'noData'
  | 'agentsTitle'
  | 'agentsOwn'
  | 'agent'
  | 'agentChats'
  | 'agentFirstResponse'
  | 'agentResolution'
  | 'agentCsat'
  | 'noAgents'
  | 'csvTitle'
  | 'csvSummary'
  | 'csvOpened'
  | 'csvClosed'
  | 'csvFirstResponse'
  | 'csvCsat'
  | 'csvAgents'
  | 'csvFailed'
  | 'dateOfDay'
  | 'dateOfHour'
  | 'tickOfDay'
  | 'tickOfHour';

export const reportStrings: Catalogue<ReportKey> = {
  en: {
    reportsTab: 'Reports',
    reportsTitle: 'Reports',
    scopeAll: 'All agents',
    scopeOwn: 'Your chats',
    period: 'Period',
    from: 'From',
    to: 'To',
    timezone: 'Time zone',
    interval: 'Step',
    intervalDay: 'Day',
    intervalHour: 'Hour',
    show: 'Show',
    loading: 'Loading the report…',
    failed: 'The report could not be loaded: {reason}',
    pageFailed: 'The Reports page could not be loaded. Check the connection and open it again.',
    summary: 'Summary',
    chats: 'Chats',
    opened: 'Opened',
    closed: 'Closed',
    missed: 'Missed',
    waiting: 'Waiting time',
    firstResponse: 'First response',
    resolution: 'Resolution',
    median: 'Median',
    p90: '90th percentile',
    messages: 'Messages',
    messagesUser: 'From customers',
    messagesAdmin: 'From agents',
    csat: 'Satisfaction',
    csatAverage: 'Average rating',
    csatResponses: 'Ratings',
    csatPositive: 'Rated 4–5',
    csatScore: 'Rated {n}',
    csatSplit: 'Ratings by score',
    volumeChart: 'Chats opened and closed',
    firstResponseChart: 'First response time (median)',
    csatChart: 'Average rating',
    bucket: 'Period',
    showTable: 'Show as a table',
    hideTable: 'Hide the table',
    noData: 'Nothing in this period.',
    agentsTitle: 'Agents',
    agentsOwn: 'Your figures',
    agent: 'Agent',
    agentChats: 'Chats',
    agentFirstResponse: 'First response (median)',
    agentResolution: 'Resolution (median)',
    agentCsat: 'Average rating',
    noAgents: 'No agent had chats in this period.',
    csvTitle: 'Download as CSV',
    csvSummary: 'Summary',
    csvOpened: 'Chats opened',
    csvClosed: 'Chats closed',
    csvFirstResponse: 'First response',
    csvCsat: 'Ratings',
    csvAgents: 'Agents',
    csvFailed: 'Could not download: {reason}',
    // The order of a date's parts; the month's name and the clock come from web/shared/dates.ts.
    dateOfDay: '{month} {day}, {year}',
    dateOfHour: '{month} {day}, {time}',
    tickOfDay: '{month} {day}',
    tickOfHour: '{day}, {time}',
  },
  ru: {
    reportsTab: 'Отчёты',
    reportsTitle: 'Отчёты',
    scopeAll: 'Все операторы',
    scopeOwn: 'Ваши чаты',
    period: 'Период',
    from: 'С',
    to: 'По',
    timezone: 'Часовой пояс',
    interval: 'Шаг',
    intervalDay: 'День',
    intervalHour: 'Час',
    show: 'Показать',
    loading: 'Загружаем отчёт…',
    failed: 'Не удалось загрузить отчёт: {reason}',
    pageFailed: 'Не удалось загрузить страницу отчётов. Проверьте соединение и откройте её снова.',
    summary: 'Итоги',
    chats: 'Чаты',
    opened: 'Открыто',
    closed: 'Закрыто',
    missed: 'Пропущено',
    waiting: 'Время ожидания',
    firstResponse: 'Первый ответ',
    resolution: 'Решение',
    median: 'Медиана',
    p90: '90-й процентиль',
    messages: 'Сообщения',
    messagesUser: 'От клиентов',
    messagesAdmin: 'От операторов',
    csat: 'Удовлетворённость',
    csatAverage: 'Средняя оценка',
    csatResponses: 'Оценок',
    csatPositive: 'Оценки 4–5',
    csatScore: 'Оценка {n}',
    csatSplit: 'Оценки по баллам',
    volumeChart: 'Открытые и закрытые чаты',
    firstResponseChart: 'Время первого ответа (медиана)',
    csatChart: 'Средняя оценка',
    bucket: 'Период',
    showTable: 'Показать таблицей',
    hideTable: 'Скрыть таблицу',
    noData: 'За этот период ничего нет.',
    agentsTitle: 'Операторы',
    agentsOwn: 'Ваши показатели',
    agent: 'Оператор',
    agentChats: 'Чаты',
    agentFirstResponse: 'Первый ответ (медиана)',
    agentResolution: 'Решение (медиана)',
    agentCsat: 'Средняя оценка',
    noAgents: 'За этот период у операторов не было чатов.',
    csvTitle: 'Скачать в CSV',
    csvSummary: 'Итоги',
    csvOpened: 'Открытые чаты',
    csvClosed: 'Закрытые чаты',
    csvFirstResponse: 'Первый ответ',
    csvCsat: 'Оценки',
    csvAgents: 'Операторы',
    csvFailed: 'Не удалось скачать: {reason}',
    dateOfDay: '{day} {month} {year} г.',
    dateOfHour: '{day} {month}, {time}',
    tickOfDay: '{day} {month}',
    tickOfHour: '{day}, {time}',
  },
  uz: {
    reportsTab: 'Hisobotlar',
    reportsTitle: 'Hisobotlar',
    scopeAll: 'Barcha operatorlar',
    scopeOwn: 'Sizning chatlaringiz',
    period: 'Davr',
    from: 'Boshlanishi',
    to: 'Tugashi',
    timezone: 'Vaqt mintaqasi',
    interval: 'Qadam',
    intervalDay: 'Kun',
    intervalHour: 'Soat',
    show: 'Koʻrsatish',
    loading: 'Hisobot yuklanmoqda…',
    failed: 'Hisobotni yuklab boʻlmadi: {reason}',
    pageFailed: 'Hisobotlar sahifasini yuklab boʻlmadi. Ulanishni tekshirib, qaytadan oching.',
    summary: 'Xulosa',
    chats: 'Chatlar',
    opened: 'Ochilgan',
    closed: 'Yopilgan',
    missed: 'Oʻtkazib yuborilgan',
    waiting: 'Kutish vaqti',
    firstResponse: 'Birinchi javob',
    resolution: 'Hal qilish',
    median: 'Mediana',
    p90: '90-persentil',
    messages: 'Xabarlar',
    messagesUser: 'Mijozlardan',
    messagesAdmin: 'Operatorlardan',
    csat: 'Mamnunlik',
    csatAverage: 'Oʻrtacha baho',
    csatResponses: 'Baholar',
    csatPositive: '4–5 baho',
    csatScore: '{n} baho',
    csatSplit: 'Baholar ball boʻyicha',
    volumeChart: 'Ochilgan va yopilgan chatlar',
    firstResponseChart: 'Birinchi javob vaqti (mediana)',
    csatChart: 'Oʻrtacha baho',
    bucket: 'Davr',
    showTable: 'Jadval sifatida koʻrsatish',
    hideTable: 'Jadvalni yashirish',
    noData: 'Bu davrda hech narsa yoʻq.',
    agentsTitle: 'Operatorlar',
    agentsOwn: 'Sizning koʻrsatkichlaringiz',
    agent: 'Operator',
    agentChats: 'Chatlar',
    agentFirstResponse: 'Birinchi javob (mediana)',
    agentResolution: 'Hal qilish (mediana)',
    agentCsat: 'Oʻrtacha baho',
    noAgents: 'Bu davrda operatorlarda chat boʻlmagan.',
    csvTitle: 'CSV sifatida yuklab olish',
    csvSummary: 'Xulosa',
    csvOpened: 'Ochilgan chatlar',
    csvClosed: 'Yopilgan chatlar',
    csvFirstResponse: 'Birinchi javob',
    csvCsat: 'Baholar',
    csvAgents: 'Operatorlar',
    csvFailed: 'Yuklab boʻlmadi: {reason}',
    dateOfDay: '{day}-{month}, {year}',
    dateOfHour: '{day}-{month}, {time}',
    tickOfDay: '{day}-{month}',
    tickOfHour: '{day}, {time}',
  },
};

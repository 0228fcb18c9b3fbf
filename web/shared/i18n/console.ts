/** Strings of the agent console. */
import type { Catalogue } from './index.js';

export type ConsoleKey =
  | 'appTitle'
  | 'language'
  | 'signInTitle'
  | 'signIn'
  | 'signOut'
  | 'tokenLabel'
  | 'tokenHelp'
  | 'tokenNotAdmin'
  | 'tokenExpired'
  | 'tokenInvalid'
  | 'demoMode'
  | 'demoWarning'
  | 'nameLabel'
  | 'idLabel'
  | 'superadminLabel'
  | 'signedInAs'
  | 'roleAdmin'
  | 'roleSuperadmin'
  | 'loadingConfig'
  | 'configFailed'
  | 'queue'
  | 'myChats'
  | 'allChats'
  | 'chatLists'
  | 'emptyQueue'
  | 'emptyMine'
  | 'emptyAll'
  | 'statusFilter'
  | 'statusAny'
  | 'statusWaiting'
  | 'statusActive'
  | 'statusClosed'
  | 'noMessagesYet'
  | 'waitingFor'
  | 'unreadCount'
  | 'userOnline'
  | 'userOffline'
  | 'lockedBy'
  | 'assignedTo'
  | 'selectChat'
  | 'take'
  | 'lock'
  | 'unlock'
  | 'transfer'
  | 'close'
  | 'confirmClose'
  | 'confirmCloseYes'
  | 'cancel'
  | 'transferTitle'
  | 'transferPick'
  | 'transferPickNone'
  | 'transferOrType'
  | 'transferAdminId'
  | 'transferAdminName'
  | 'transferSubmit'
  | 'takenBy'
  | 'readOnly'
  | 'actionFailed'
  | 'enableNotifications'
  | 'notificationTitle'
  | 'chatActions'
  | 'backToList'
  | 'refresh'
  | 'handoverTitle'
  | 'handoverFresh'
  | 'handoverSwitchTitle'
  | 'handoverSwitch'
  | 'handoverAccept'
  | 'handoverStay'
  | 'tokenRenewing';

export const consoleStrings: Catalogue<ConsoleKey> = {
  en: {
    appTitle: 'Fastorika support console',
    language: 'Language',
    signInTitle: 'Sign in to the support console',
    signIn: 'Sign in',
    signOut: 'Sign out',
    tokenLabel: 'Admin token',
    tokenHelp: 'Paste the token your admin panel issued, or open this page from the admin panel.',
    tokenNotAdmin: 'This token does not belong to an admin.',
    tokenExpired: 'This token has expired. Get a new one from the admin panel.',
    tokenInvalid: 'This is not a valid token.',
    demoMode: 'Demo mode',
    demoWarning:
      'The server runs with AUTH_MODE=none: anyone can act as anyone. Use it only for demos, never with real customers.',
    nameLabel: 'Your name',
    idLabel: 'Your admin id',
    superadminLabel: 'Superadmin (sees all chats)',
    signedInAs: 'Signed in as {name}',
    roleAdmin: 'admin',
    roleSuperadmin: 'superadmin',
    loadingConfig: 'Loading…',
    configFailed: 'Could not reach the chat server. Retrying…',
    queue: 'Queue',
    myChats: 'My chats',
    allChats: 'All chats',
    chatLists: 'Chat lists',
    emptyQueue: 'No one is waiting.',
    emptyMine: 'You have no open chats.',
    emptyAll: 'No chats.',
    statusFilter: 'Status',
    statusAny: 'Any status',
    statusWaiting: 'Waiting',
    statusActive: 'Active',
    statusClosed: 'Closed',
    noMessagesYet: 'No messages yet',
    waitingFor: 'waiting {time}',
    unreadCount: 'Unread: {count}',
    userOnline: 'online',
    userOffline: 'offline',
    lockedBy: 'Locked by {name}',
    assignedTo: 'Assigned to {name}',
    selectChat: 'Select a chat from the list.',
    take: 'Take',
    lock: 'Lock',
    unlock: 'Return to queue',
    transfer: 'Transfer',
    close: 'Close chat',
    confirmClose: 'Close this chat? The user will see that it was closed.',
    confirmCloseYes: 'Yes, close it',
    cancel: 'Cancel',
    transferTitle: 'Transfer to another admin',
    transferPick: 'Admins seen recently',
    transferPickNone: '— choose —',
    transferOrType: 'or enter an admin',
    transferAdminId: 'Admin id',
    transferAdminName: 'Admin name',
    transferSubmit: 'Transfer',
    takenBy: 'Already taken by {name}.',
    readOnly: 'Take this chat to reply.',
    actionFailed: 'That did not work: {reason}',
    enableNotifications: 'Enable notifications',
    notificationTitle: 'New message from {name}',
    chatActions: 'Chat actions',
    backToList: 'Back to the list',
    refresh: 'Refresh',
    handoverTitle: 'Sign in with this link?',
    handoverFresh:
      'This link signs you in as {name} ({role}, id {id}). Continue only if you asked for it.',
    handoverSwitchTitle: 'Switch to another admin?',
    handoverSwitch:
      'A link or page asks to sign you in as {name} ({role}, id {id}) instead of {current}.',
    handoverAccept: 'Continue as {name}',
    handoverStay: 'Stay signed in as {current}',
    tokenRenewing: 'Your session expired. Waiting for the admin panel to renew it…',
  },
  ru: {
    appTitle: 'Консоль поддержки Fastorika',
    language: 'Язык',
    signInTitle: 'Вход в консоль поддержки',
    signIn: 'Войти',
    signOut: 'Выйти',
    tokenLabel: 'Токен администратора',
    tokenHelp: 'Вставьте токен из админ-панели или откройте эту страницу из админ-панели.',
    tokenNotAdmin: 'Этот токен не принадлежит администратору.',
    tokenExpired: 'Срок действия токена истёк. Получите новый в админ-панели.',
    tokenInvalid: 'Это не действительный токен.',
    demoMode: 'Демо-режим',
    demoWarning:
      'Сервер работает с AUTH_MODE=none: любой может действовать от имени любого. Только для демонстраций, не для реальных клиентов.',
    nameLabel: 'Ваше имя',
    idLabel: 'Ваш id администратора',
    superadminLabel: 'Суперадмин (видит все чаты)',
    signedInAs: 'Вы вошли как {name}',
    roleAdmin: 'администратор',
    roleSuperadmin: 'суперадмин',
    loadingConfig: 'Загрузка…',
    configFailed: 'Не удаётся связаться с сервером чата. Повторяем…',
    queue: 'Очередь',
    myChats: 'Мои чаты',
    allChats: 'Все чаты',
    chatLists: 'Списки чатов',
    emptyQueue: 'Никто не ждёт.',
    emptyMine: 'У вас нет открытых чатов.',
    emptyAll: 'Чатов нет.',
    statusFilter: 'Статус',
    statusAny: 'Любой статус',
    statusWaiting: 'Ожидает',
    statusActive: 'Активен',
    statusClosed: 'Закрыт',
    noMessagesYet: 'Сообщений пока нет',
    waitingFor: 'ждёт {time}',
    unreadCount: 'Непрочитанных: {count}',
    userOnline: 'в сети',
    userOffline: 'не в сети',
    lockedBy: 'Закреплён за {name}',
    assignedTo: 'Назначен: {name}',
    selectChat: 'Выберите чат в списке.',
    take: 'Взять',
    lock: 'Закрепить',
    unlock: 'Вернуть в очередь',
    transfer: 'Передать',
    close: 'Закрыть чат',
    confirmClose: 'Закрыть этот чат? Пользователь увидит, что чат закрыт.',
    confirmCloseYes: 'Да, закрыть',
    cancel: 'Отмена',
    transferTitle: 'Передать другому администратору',
    transferPick: 'Недавно замеченные администраторы',
    transferPickNone: '— выберите —',
    transferOrType: 'или укажите администратора',
    transferAdminId: 'Id администратора',
    transferAdminName: 'Имя администратора',
    transferSubmit: 'Передать',
    takenBy: 'Уже взят: {name}.',
    readOnly: 'Возьмите этот чат, чтобы ответить.',
    actionFailed: 'Не получилось: {reason}',
    enableNotifications: 'Включить уведомления',
    notificationTitle: 'Новое сообщение от {name}',
    chatActions: 'Действия с чатом',
    backToList: 'Назад к списку',
    refresh: 'Обновить',
    handoverTitle: 'Войти по этой ссылке?',
    handoverFresh:
      'Эта ссылка выполнит вход как {name} ({role}, id {id}). Продолжайте, только если вы сами её запросили.',
    handoverSwitchTitle: 'Сменить администратора?',
    handoverSwitch:
      'Ссылка или страница предлагает войти как {name} ({role}, id {id}) вместо {current}.',
    handoverAccept: 'Продолжить как {name}',
    handoverStay: 'Остаться: {current}',
    tokenRenewing: 'Сеанс истёк. Ждём, пока админ-панель его продлит…',
  },
  uz: {
    appTitle: 'Fastorika yordam konsoli',
    language: 'Til',
    signInTitle: 'Yordam konsoliga kirish',
    signIn: 'Kirish',
    signOut: 'Chiqish',
    tokenLabel: 'Administrator tokeni',
    tokenHelp: 'Admin paneli bergan tokenni joylang yoki bu sahifani admin panelidan oching.',
    tokenNotAdmin: 'Bu token administratorga tegishli emas.',
    tokenExpired: 'Token muddati tugagan. Admin panelidan yangisini oling.',
    tokenInvalid: 'Bu yaroqli token emas.',
    demoMode: 'Demo rejimi',
    demoWarning:
      'Server AUTH_MODE=none bilan ishlamoqda: istalgan kishi istalgan kishi nomidan harakat qila oladi. Faqat namoyish uchun, haqiqiy mijozlar bilan emas.',
    nameLabel: 'Ismingiz',
    idLabel: 'Administrator id raqamingiz',
    superadminLabel: 'Superadmin (barcha chatlarni koʻradi)',
    signedInAs: '{name} sifatida kirdingiz',
    roleAdmin: 'administrator',
    roleSuperadmin: 'superadmin',
    loadingConfig: 'Yuklanmoqda…',
    configFailed: 'Chat serveriga ulanib boʻlmadi. Qayta urinilmoqda…',
    queue: 'Navbat',
    myChats: 'Mening chatlarim',
    allChats: 'Barcha chatlar',
    chatLists: 'Chatlar roʻyxatlari',
    emptyQueue: 'Hech kim kutmayapti.',
    emptyMine: 'Sizda ochiq chatlar yoʻq.',
    emptyAll: 'Chatlar yoʻq.',
    statusFilter: 'Holat',
    statusAny: 'Istalgan holat',
    statusWaiting: 'Kutmoqda',
    statusActive: 'Faol',
    statusClosed: 'Yopilgan',
    noMessagesYet: 'Hali xabarlar yoʻq',
    waitingFor: '{time} kutmoqda',
    unreadCount: 'Oʻqilmagan: {count}',
    userOnline: 'onlayn',
    userOffline: 'oflayn',
    lockedBy: '{name} tomonidan band qilingan',
    assignedTo: 'Masʼul: {name}',
    selectChat: 'Roʻyxatdan chatni tanlang.',
    take: 'Olish',
    lock: 'Band qilish',
    unlock: 'Navbatga qaytarish',
    transfer: 'Topshirish',
    close: 'Chatni yopish',
    confirmClose: 'Bu chat yopilsinmi? Foydalanuvchi chat yopilganini koʻradi.',
    confirmCloseYes: 'Ha, yopish',
    cancel: 'Bekor qilish',
    transferTitle: 'Boshqa administratorga topshirish',
    transferPick: 'Yaqinda koʻrilgan administratorlar',
    transferPickNone: '— tanlang —',
    transferOrType: 'yoki administratorni kiriting',
    transferAdminId: 'Administrator id',
    transferAdminName: 'Administrator ismi',
    transferSubmit: 'Topshirish',
    takenBy: 'Allaqachon olingan: {name}.',
    readOnly: 'Javob berish uchun bu chatni oling.',
    actionFailed: 'Bajarilmadi: {reason}',
    enableNotifications: 'Bildirishnomalarni yoqish',
    notificationTitle: '{name}dan yangi xabar',
    chatActions: 'Chat amallari',
    backToList: 'Roʻyxatga qaytish',
    refresh: 'Yangilash',
    handoverTitle: 'Bu havola orqali kirilsinmi?',
    handoverFresh:
      'Bu havola sizni {name} ({role}, id {id}) sifatida kiritadi. Faqat uni oʻzingiz soʻragan boʻlsangiz davom eting.',
    handoverSwitchTitle: 'Boshqa administratorga oʻtilsinmi?',
    handoverSwitch:
      'Havola yoki sahifa sizni {current} oʻrniga {name} ({role}, id {id}) sifatida kiritmoqchi.',
    handoverAccept: '{name} sifatida davom etish',
    handoverStay: '{current} sifatida qolish',
    tokenRenewing: 'Seans muddati tugadi. Admin paneli uni yangilashini kutyapmiz…',
  },
};

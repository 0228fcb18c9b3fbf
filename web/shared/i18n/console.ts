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
  | 'tokenNoExpiry'
  | 'serverSays'
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
  | 'newMessagesTitle'
  | 'previewImage'
  | 'previewFile'
  | 'waitingFor'
  | 'waitingJustNow'
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
  | 'transferNoneKnown'
  | 'transferOrType'
  | 'transferAdminId'
  | 'transferAdminName'
  | 'transferSubmit'
  | 'takenBy'
  | 'readOnly'
  | 'actionFailed'
  | 'enableNotifications'
  | 'notificationTitle'
  | 'assignedTitle'
  | 'assignedBody'
  | 'chatActions'
  | 'backToList'
  | 'refresh'
  | 'handoverTitle'
  | 'handoverFresh'
  | 'handoverSwitchTitle'
  | 'handoverSwitch'
  | 'handoverAccept'
  | 'handoverStay'
  | 'connectionOriginRefused'
  | 'connectionServerDown'
  | 'connectionStoreDown'
  | 'connectionUpgradeRefused'
  | 'connectionRefused'
  | 'tokenRefused'
  | 'takeHint'
  | 'lockHint'
  | 'transferredTo'
  | 'takenByOther'
  | 'noLongerVisible'
  | 'transferUnknownAdmin'
  | 'transferLoading'
  | 'tokenRenewing'
  | 'availability'
  | 'availabilityAvailable'
  | 'availabilityAway'
  | 'availabilityFailed'
  | 'agentLoad'
  | 'agents'
  | 'agentsEmpty'
  | 'agentOnline'
  | 'agentOffline'
  | 'maxChats'
  | 'maxChatsSave'
  | 'maxChatsInvalid'
  | 'maxChatsFailed'
  | 'ratedScore'
  | 'ratingComment'
  | 'customerTitle'
  | 'customerTransactions'
  | 'searchLabel'
  | 'searchPlaceholder'
  | 'searchSubmit'
  | 'searchClear'
  | 'searchResults'
  | 'searchNone'
  | 'searchMore'
  | 'searchFailed'
  | 'searchUserMatch';

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
    tokenNoExpiry:
      'This token has no expiry (exp), and the chat server refuses such tokens. Get a new one from the admin panel.',
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
    newMessagesTitle: '({count}) {title}',
    previewImage: 'Image',
    previewFile: 'File',
    waitingFor: 'waiting {time}',
    waitingJustNow: 'just now',
    unreadCount: 'Unread: {count}',
    userOnline: 'online',
    userOffline: 'offline',
    lockedBy: 'Locked by {name}',
    assignedTo: 'Assigned to {name}',
    selectChat: 'Select a chat from the list.',
    take: 'Take',
    lock: 'Take and lock',
    unlock: 'Return to queue',
    transfer: 'Transfer',
    close: 'Close chat',
    confirmClose: 'Close this chat? The user will see that it was closed.',
    confirmCloseYes: 'Yes, close it',
    cancel: 'Cancel',
    transferTitle: 'Transfer to another admin',
    transferPick: 'Admins the server knows (online first)',
    transferPickNone: '— choose —',
    transferNoneKnown: 'No other admin known yet: enter one below',
    transferOrType: 'or enter an admin',
    transferAdminId: 'Admin id',
    transferAdminName: 'Admin name',
    transferSubmit: 'Transfer',
    takenBy: 'Already taken by {name}.',
    readOnly: 'Take this chat to reply.',
    actionFailed: 'That did not work: {reason}',
    enableNotifications: 'Enable notifications',
    notificationTitle: 'New message from {name}',
    assignedTitle: 'A chat was assigned to you',
    assignedBody: '{name} is waiting for your answer',
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
    connectionOriginRefused:
      'The chat server refuses live connections from this page’s address ({origin}). Add it to CORS_ORIGIN, or have the proxy in front pass the Host header with its port (nginx: proxy_set_header Host $http_host).',
    connectionServerDown:
      'The chat server does not answer: it is down or restarting, or the network is. Retrying…',
    connectionStoreDown: 'The chat server answers, but its database does not. Retrying…',
    connectionUpgradeRefused:
      'The chat server answers, but the live connection is refused on the way: a proxy may not pass WebSocket connections. Retrying…',
    connectionRefused: 'The chat server refused the connection ({reason}). Retrying…',
    tokenRefused:
      'The chat server refused this token: it is not signed with the server’s key, its issuer or audience differ, or it breaks one of the server’s rules for tokens. Get a new one from the admin panel.',
    serverSays: 'The server says: {reason}',
    takeHint:
      'Assigns this chat to you: you can reply, and no other admin can take it. You can return it to the queue or transfer it later.',
    lockHint:
      'Takes this chat, as Take does, and marks it locked by you: the lock goes with the chat when you transfer it, and ends when the chat returns to the queue.',
    transferredTo: 'This chat was transferred to {name}. It is no longer in your lists.',
    takenByOther: '{name} has taken this chat.',
    noLongerVisible: 'This chat is no longer yours to see.',
    transferUnknownAdmin:
      'No admin with the id {id} is known to the server. Pick one from the list, or check the id.',
    transferLoading: 'Loading admins…',
    tokenRenewing: 'Your session expired. Waiting for the admin panel to renew it…',
    availability: 'Availability',
    availabilityAvailable: 'Available',
    availabilityAway: 'Away',
    availabilityFailed: 'Could not change your availability; try again.',
    agentLoad: 'Active chats of your maximum:',
    agents: 'Agents',
    agentsEmpty: 'No agents yet: admins appear here once they connect.',
    agentOnline: 'Online',
    agentOffline: 'Offline',
    maxChats: 'Max chats',
    maxChatsSave: 'Save',
    maxChatsInvalid: 'Enter a whole number from 0 to {max}.',
    maxChatsFailed: 'Could not save max chats; try again.',
    ratedScore: 'Rated {score} of 5',
    ratingComment: 'The customer wrote: {comment}',
    customerTitle: 'Customer',
    customerTransactions: 'Recent transactions',
    searchLabel: 'Search messages, ids and customers',
    searchPlaceholder: 'Id, words or name',
    searchSubmit: 'Search',
    searchClear: 'Close search',
    searchResults: 'Search results',
    searchNone: 'Nothing found.',
    searchMore: 'More results',
    searchFailed: 'Search failed: {reason}',
    searchUserMatch: 'Customer',
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
    tokenNoExpiry:
      'У этого токена нет срока действия (exp), а сервер чата такие токены не принимает. Получите новый в админ-панели.',
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
    newMessagesTitle: '({count}) {title}',
    previewImage: 'Изображение',
    previewFile: 'Файл',
    waitingFor: 'ждёт {time}',
    waitingJustNow: 'только что',
    unreadCount: 'Непрочитанных: {count}',
    userOnline: 'в сети',
    userOffline: 'не в сети',
    lockedBy: 'Закреплён за {name}',
    assignedTo: 'Назначен: {name}',
    selectChat: 'Выберите чат в списке.',
    take: 'Взять',
    lock: 'Взять и закрепить',
    unlock: 'Вернуть в очередь',
    transfer: 'Передать',
    close: 'Закрыть чат',
    confirmClose: 'Закрыть этот чат? Пользователь увидит, что чат закрыт.',
    confirmCloseYes: 'Да, закрыть',
    cancel: 'Отмена',
    transferTitle: 'Передать другому администратору',
    transferPick: 'Известные серверу администраторы (сначала в сети)',
    transferPickNone: '— выберите —',
    transferNoneKnown: 'Других администраторов пока нет: укажите ниже',
    transferOrType: 'или укажите администратора',
    transferAdminId: 'Id администратора',
    transferAdminName: 'Имя администратора',
    transferSubmit: 'Передать',
    takenBy: 'Уже взят: {name}.',
    readOnly: 'Возьмите этот чат, чтобы ответить.',
    actionFailed: 'Не получилось: {reason}',
    enableNotifications: 'Включить уведомления',
    notificationTitle: 'Новое сообщение от {name}',
    assignedTitle: 'Вам назначен чат',
    assignedBody: '{name} ждёт вашего ответа',
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
    connectionOriginRefused:
      'Сервер чата отклоняет подключения с адреса этой страницы ({origin}). Добавьте его в CORS_ORIGIN или настройте прокси так, чтобы он передавал заголовок Host вместе с портом (nginx: proxy_set_header Host $http_host).',
    connectionServerDown:
      'Сервер чата не отвечает: он остановлен или перезапускается, либо недоступна сеть. Повторяем…',
    connectionStoreDown: 'Сервер чата отвечает, но его база данных недоступна. Повторяем…',
    connectionUpgradeRefused:
      'Сервер чата отвечает, но постоянное соединение отклоняется по пути: возможно, прокси не пропускает WebSocket. Повторяем…',
    connectionRefused: 'Сервер чата отклонил подключение ({reason}). Повторяем…',
    tokenRefused:
      'Сервер чата отклонил этот токен: он подписан не ключом сервера, у него другой издатель или аудитория, или он нарушает одно из правил сервера для токенов. Получите новый в админ-панели.',
    serverSays: 'Ответ сервера: {reason}',
    takeHint:
      'Назначает чат вам: вы сможете отвечать, и другие администраторы не смогут его взять. Потом его можно вернуть в очередь или передать.',
    lockHint:
      'Берёт чат, как «Взять», и закрепляет его за вами: при передаче закрепление переходит вместе с чатом и снимается, когда чат возвращается в очередь.',
    transferredTo: 'Этот чат передан: {name}. В ваших списках его больше нет.',
    takenByOther: 'Этот чат взял(а) {name}.',
    noLongerVisible: 'Этот чат вам больше не виден.',
    transferUnknownAdmin:
      'Администратор с id {id} серверу неизвестен. Выберите из списка или проверьте id.',
    transferLoading: 'Загружаем администраторов…',
    tokenRenewing: 'Сеанс истёк. Ждём, пока админ-панель его продлит…',
    availability: 'Доступность',
    availabilityAvailable: 'Доступен',
    availabilityAway: 'Нет на месте',
    availabilityFailed: 'Не удалось изменить доступность; попробуйте ещё раз.',
    agentLoad: 'Активные чаты из максимума:',
    agents: 'Операторы',
    agentsEmpty: 'Операторов пока нет: администраторы появятся здесь, когда подключатся.',
    agentOnline: 'В сети',
    agentOffline: 'Не в сети',
    maxChats: 'Макс. чатов',
    maxChatsSave: 'Сохранить',
    maxChatsInvalid: 'Введите целое число от 0 до {max}.',
    maxChatsFailed: 'Не удалось сохранить максимум чатов; попробуйте ещё раз.',
    ratedScore: 'Оценка: {score} из 5',
    ratingComment: 'Клиент написал: {comment}',
    customerTitle: 'Клиент',
    customerTransactions: 'Последние транзакции',
    searchLabel: 'Поиск по сообщениям, номерам и клиентам',
    searchPlaceholder: 'Номер, слова или имя',
    searchSubmit: 'Найти',
    searchClear: 'Закрыть поиск',
    searchResults: 'Результаты поиска',
    searchNone: 'Ничего не найдено.',
    searchMore: 'Ещё результаты',
    searchFailed: 'Поиск не удался: {reason}',
    searchUserMatch: 'Клиент',
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
    tokenNoExpiry:
      'Bu tokenda amal qilish muddati (exp) yoʻq, chat serveri esa bunday tokenlarni qabul qilmaydi. Admin panelidan yangisini oling.',
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
    newMessagesTitle: '({count}) {title}',
    previewImage: 'Rasm',
    previewFile: 'Fayl',
    waitingFor: '{time} kutmoqda',
    waitingJustNow: 'hozirgina',
    unreadCount: 'Oʻqilmagan: {count}',
    userOnline: 'onlayn',
    userOffline: 'oflayn',
    lockedBy: '{name} tomonidan band qilingan',
    assignedTo: 'Masʼul: {name}',
    selectChat: 'Roʻyxatdan chatni tanlang.',
    take: 'Olish',
    lock: 'Olish va band qilish',
    unlock: 'Navbatga qaytarish',
    transfer: 'Topshirish',
    close: 'Chatni yopish',
    confirmClose: 'Bu chat yopilsinmi? Foydalanuvchi chat yopilganini koʻradi.',
    confirmCloseYes: 'Ha, yopish',
    cancel: 'Bekor qilish',
    transferTitle: 'Boshqa administratorga topshirish',
    transferPick: 'Serverga maʼlum administratorlar (avval onlayn)',
    transferPickNone: '— tanlang —',
    transferNoneKnown: 'Boshqa administratorlar hali yoʻq: quyida kiriting',
    transferOrType: 'yoki administratorni kiriting',
    transferAdminId: 'Administrator id',
    transferAdminName: 'Administrator ismi',
    transferSubmit: 'Topshirish',
    takenBy: 'Allaqachon olingan: {name}.',
    readOnly: 'Javob berish uchun bu chatni oling.',
    actionFailed: 'Bajarilmadi: {reason}',
    enableNotifications: 'Bildirishnomalarni yoqish',
    notificationTitle: '{name}dan yangi xabar',
    assignedTitle: 'Sizga chat biriktirildi',
    assignedBody: '{name} javobingizni kutmoqda',
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
    connectionOriginRefused:
      'Chat serveri ushbu sahifa manzilidan ({origin}) ulanishlarni rad etmoqda. Uni CORS_ORIGIN roʻyxatiga qoʻshing yoki proksi Host sarlavhasini port bilan birga uzatadigan qiling (nginx: proxy_set_header Host $http_host).',
    connectionServerDown:
      'Chat serveri javob bermayapti: u toʻxtagan yoki qayta ishga tushmoqda yoki tarmoq ishlamayapti. Qayta urinilmoqda…',
    connectionStoreDown:
      'Chat serveri javob bermoqda, lekin uning maʼlumotlar bazasi javob bermayapti. Qayta urinilmoqda…',
    connectionUpgradeRefused:
      'Chat serveri javob bermoqda, lekin doimiy ulanish yoʻlda rad etilmoqda: proksi WebSocket ulanishlarini oʻtkazmayotgan boʻlishi mumkin. Qayta urinilmoqda…',
    connectionRefused: 'Chat serveri ulanishni rad etdi ({reason}). Qayta urinilmoqda…',
    tokenRefused:
      'Chat serveri bu tokenni rad etdi: u server kaliti bilan imzolanmagan, uning emitenti yoki auditoriyasi mos emas yoki u serverning tokenlar uchun qoidalaridan birini buzadi. Admin panelidan yangisini oling.',
    serverSays: 'Server javobi: {reason}',
    takeHint:
      'Chatni sizga biriktiradi: javob bera olasiz, boshqa administratorlar uni ololmaydi. Keyin uni navbatga qaytarish yoki topshirish mumkin.',
    lockHint:
      'Chatni «Olish» kabi oladi va siz tomondan band qilingan deb belgilaydi: topshirilganda band qilish chat bilan birga oʻtadi, chat navbatga qaytganda bekor boʻladi.',
    transferredTo: 'Bu chat topshirildi: {name}. Endi u roʻyxatlaringizda yoʻq.',
    takenByOther: 'Bu chatni {name} oldi.',
    noLongerVisible: 'Bu chat endi sizga koʻrinmaydi.',
    transferUnknownAdmin:
      'Serverga {id} id raqamli administrator nomaʼlum. Roʻyxatdan tanlang yoki id ni tekshiring.',
    transferLoading: 'Administratorlar yuklanmoqda…',
    tokenRenewing: 'Seans muddati tugadi. Admin paneli uni yangilashini kutyapmiz…',
    availability: 'Mavjudlik',
    availabilityAvailable: 'Mavjud',
    availabilityAway: 'Joyida yoʻq',
    availabilityFailed: 'Mavjudlikni oʻzgartirib boʻlmadi; qayta urinib koʻring.',
    agentLoad: 'Faol chatlar / maksimum:',
    agents: 'Operatorlar',
    agentsEmpty: 'Hozircha operatorlar yoʻq: administratorlar ulanganda shu yerda chiqadi.',
    agentOnline: 'Onlayn',
    agentOffline: 'Oflayn',
    maxChats: 'Maks. chatlar',
    maxChatsSave: 'Saqlash',
    maxChatsInvalid: '0 dan {max} gacha butun son kiriting.',
    maxChatsFailed: 'Maksimal chatlar sonini saqlab boʻlmadi; qayta urinib koʻring.',
    ratedScore: 'Baho: 5 dan {score}',
    ratingComment: 'Mijoz yozdi: {comment}',
    customerTitle: 'Mijoz',
    customerTransactions: 'Soʻnggi tranzaksiyalar',
    searchLabel: 'Xabarlar, raqamlar va mijozlar boʻyicha qidirish',
    searchPlaceholder: 'Raqam, soʻz yoki ism',
    searchSubmit: 'Qidirish',
    searchClear: 'Qidiruvni yopish',
    searchResults: 'Qidiruv natijalari',
    searchNone: 'Hech narsa topilmadi.',
    searchMore: 'Yana natijalar',
    searchFailed: 'Qidiruv bajarilmadi: {reason}',
    searchUserMatch: 'Mijoz',
  },
};

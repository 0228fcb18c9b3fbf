/** One list of chats: who, online or not, unread count, last message, time waiting. */
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Lang, Translate } from '../shared/i18n/index.js';
import type { Chat } from '../shared/types.js';
import { Isolated, sentence } from '../shared/ui/isolated.js';
import { useNow } from '../shared/use-page.js';
import { previewWords, waitingWords } from './format.js';
import { LabelChips } from './label-editor.js';
import { RatingStars } from './rating.js';

interface Props {
  chats: Chat[];
  selected: string | undefined;
  onSelect(chatId: string): void;
  empty: string;
  c: Translate<ConsoleKey>;
  lang: Lang;
  label: string;
}

export function ChatList({ chats, selected, onSelect, empty, c, lang, label }: Props) {
  const now = useNow(30_000);
  if (chats.length === 0) return <p class="chat-list__empty">{empty}</p>;
  return (
    <ul class="chat-list" aria-label={label}>
      {chats.map((chat) => (
        <li key={chat._id}>
          <button
            type="button"
            class="chat-item"
            data-chat-id={chat._id}
            aria-current={chat._id === selected ? 'true' : undefined}
            onClick={() => onSelect(chat._id)}
          >
            <span class="chat-item__top">
              <span
                class={`dot ${chat.userOnline ? 'dot--online' : 'dot--offline'}`}
                data-online={chat.userOnline ? 'true' : 'false'}
              >
                <span class="visually-hidden">
                  {chat.userOnline ? c('userOnline') : c('userOffline')}
                </span>
              </span>
              <Isolated class="chat-item__name" text={chat.userName || chat.userId} />
              {chat.unreadCount > 0 ? (
                <span class="badge" data-unread={chat.unreadCount}>
                  <span aria-hidden="true">{chat.unreadCount}</span>
                  <span class="visually-hidden">
                    {c('unreadCount', { count: chat.unreadCount })}
                  </span>
                </span>
              ) : null}
            </span>
            <Isolated class="chat-item__preview" text={previewWords(chat.lastMessage, c)} />
            {chat.rating ? <RatingStars rating={chat.rating} c={c} /> : null}
            <LabelChips labels={chat.labels} />
            <span class="chat-item__meta">
              {chat.status === 'waiting'
                ? waitingWords(chat.createdAt, now, lang, c)
                : chat.assignedAdminName
                  ? sentence(c('assignedTo'), { name: chat.assignedAdminName })
                  : c(chat.status === 'closed' ? 'statusClosed' : 'statusActive')}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

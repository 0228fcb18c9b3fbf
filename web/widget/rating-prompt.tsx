/**
 * CSAT: after the chat closes the widget asks its user for a rating (1-5 stars and an
 * optional comment) once. The stars are a native radio group, so the keyboard works as
 * everywhere (Tab to the group, arrows to choose, Enter or the button to send). A chat
 * rated already, or past the rating window, shows the thanks or says it is too late.
 */
import { useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import { ApiError, type ChatClient } from '../shared/client.js';
import type { Translate } from '../shared/i18n/index.js';
import type { WidgetKey } from '../shared/i18n/widget.js';
import type { Chat } from '../shared/types.js';

interface Props {
  client: ChatClient;
  chat: Chat;
  w: Translate<WidgetKey>;
  onRated(chat: Chat): void;
}

const SCORES = [1, 2, 3, 4, 5] as const;

export function RatingPrompt({ client, chat, w, onRated }: Props) {
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'asking' | 'sending' | 'failed' | 'late' | 'done'>('asking');

  if (chat.rating || state === 'done') {
    return (
      <p class="rating__done" role="status" data-testid="rating-thanks">
        {w('rateThanks')}
      </p>
    );
  }
  if (state === 'late') {
    return (
      <p class="rating__done" role="status">
        {w('rateLate')}
      </p>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (score === 0 || state === 'sending') return;
    setState('sending');
    try {
      const reply = await client.request('POST /api/chats/:chatId/rating', {
        params: { chatId: chat._id },
        body: { userId: client.identity.id, score, ...(comment.trim() ? { comment } : {}) },
      });
      onRated(reply.chat);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      setState(code === 'ALREADY_RATED' ? 'done' : code === 'RATING_EXPIRED' ? 'late' : 'failed');
    }
  };

  return (
    <form class="rating" onSubmit={(e) => void submit(e)} data-testid="rating">
      <fieldset class="rating__stars">
        <legend>{w('rateAsk')}</legend>
        {SCORES.map((n) => (
          <label key={n} class={`rating__star ${n <= score ? 'rating__star--on' : ''}`}>
            <input
              type="radio"
              name="fc-rating"
              value={n}
              checked={score === n}
              aria-label={w('rateStar', { count: n })}
              onChange={() => setScore(n)}
            />
            <span aria-hidden="true">★</span>
          </label>
        ))}
      </fieldset>
      {score > 0 ? (
        <textarea
          class="rating__comment"
          aria-label={w('rateComment')}
          placeholder={w('rateComment')}
          maxLength={LIMITS.ratingCommentChars}
          rows={2}
          value={comment}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
      ) : null}
      {state === 'failed' ? (
        <p class="banner banner--error" role="alert">
          {w('rateFailed')}
        </p>
      ) : null}
      <button type="submit" class="button" disabled={score === 0 || state === 'sending'}>
        {w('rateSend')}
      </button>
    </form>
  );
}

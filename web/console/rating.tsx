/**
 * A chat's CSAT rating as the console shows it: five stars with the score said in words
 * (screen readers hear "Rated 4 of 5"), and in the chat view the customer's comment.
 */
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { Rating } from '../shared/types.js';
import { sentence } from '../shared/ui/isolated.js';

interface Props {
  rating: Rating;
  c: Translate<ConsoleKey>;
  withComment?: boolean;
}

export function RatingStars({ rating, c, withComment = false }: Props) {
  return (
    <span class="rating" data-rating={rating.score}>
      <span class="rating__stars" aria-hidden="true">
        {'★'.repeat(rating.score)}
        <span class="rating__stars--off">{'★'.repeat(5 - rating.score)}</span>
      </span>
      <span class="visually-hidden">{c('ratedScore', { score: rating.score })}</span>
      {withComment && rating.comment ? (
        <span class="rating__comment">
          {sentence(c('ratingComment'), { comment: rating.comment })}
        </span>
      ) : null}
    </span>
  );
}

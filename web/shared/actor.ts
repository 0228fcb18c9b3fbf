/**
 * The signed-in person as the server's rules take them: the console and the widget ask the
 * functions the server uses (src/auth/roles.ts, src/chats/permissions.ts and the like)
 * about this person, rather than comparing role strings of their own.
 */
import { type Person, person } from '../../src/auth/roles.js';
import type { Identity } from './types.js';

export const actorOf = (me: Identity): Person => person(me.id, me.name, me.role);

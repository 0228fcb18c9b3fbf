/**
 * The signed-in admin as the server's rules take them: the console asks the permission
 * functions the server uses (src/chats/permissions.ts and the like) about this person.
 */
import { type Person, person } from '../../src/auth/roles.js';
import type { Identity } from '../shared/types.js';

export const actorOf = (me: Identity): Person => person(me.id, me.name, me.role);

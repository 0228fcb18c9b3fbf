/**
 * An open chat's assignment as the live server can hold one: waiting and assigned to
 * nobody (locked, if at all, by a named admin, who takes it by hand), or active, assigned,
 * and locked by nobody or by its assignee. v2 checked none of this, and a chat outside
 * these states is in no queue and no routing (active without an assignee), or may be taken
 * by no admin at all (locked by nobody; waiting but assigned), so its user waits for ever in
 * their one open chat. Such a chat is imported as the nearest state of these, reported as
 * changed. A closed chat is kept as written: nothing takes it again.
 */
import type { ChatStatus } from '../schemas/shapes.js';
import type { FieldChange } from './field-problem.js';

export interface Assignment {
  status: ChatStatus;
  assignedAdminId: string | null;
  assignedAdminName: string | null;
  isLocked: 0 | 1;
  lockedByAdminId: string | null;
  lockedByAdminName: string | null;
}

/** The assignment to import; `changes` gets what was changed, when anything was. */
export function assignmentOf(written: Assignment, changes: FieldChange[]): Assignment {
  if (written.status === 'closed') return written;
  let a = written;
  const done: string[] = [];
  if (a.isLocked === 1 && a.lockedByAdminId === null) {
    a = { ...a, isLocked: 0, lockedByAdminName: null };
    done.push('locked by nobody: imported unlocked');
  }
  if (a.status === 'active' && a.assignedAdminId === null) {
    a = { ...a, status: 'waiting' };
    done.push('active but assigned to nobody: imported waiting, in the queue');
  } else if (a.status === 'waiting' && a.assignedAdminId !== null) {
    a = { ...a, assignedAdminId: null, assignedAdminName: null };
    done.push('waiting but assigned: imported waiting for every admin, without its assignee');
  } else if (a.status === 'active' && a.isLocked === 1 && a.lockedByAdminId !== a.assignedAdminId) {
    a = { ...a, lockedByAdminId: a.assignedAdminId, lockedByAdminName: a.assignedAdminName };
    done.push('locked by another admin than its assignee: imported locked by its assignee');
  }
  if (done.length > 0) {
    changes.push({ reason: 'inconsistent-assignment', detail: `status: ${done.join('; ')}` });
  }
  return a;
}

/**
 * Who is online: the one owner of presence. A user is online while any socket of theirs
 * is connected, on any node (several tabs, several nodes, a session Socket.io recovered
 * after a dropped transport). Each method answers whether the user's state changed, so
 * that `user-status` is emitted once per change, by exactly one node.
 */
export interface Presence {
  /** A socket of `userId` is connected (new or recovered): true if the user was offline. */
  connected(userId: string, socketId: string): Promise<boolean>;
  /** A socket of `userId` is gone: true if it was the user's last one anywhere. */
  disconnected(userId: string, socketId: string): Promise<boolean>;
  isOnline(userId: string): Promise<boolean>;
  /**
   * Changes no call here caused: a user whose only sockets were on a node that died
   * (no goodbye) goes offline, or comes back once Redis does. Each change reaches one
   * node of the cluster.
   */
  onChange(listener: (userId: string, online: boolean) => void): void;
  close(): Promise<void>;
}

/** One node: presence is this process's sockets. */
export class LocalPresence implements Presence {
  private readonly sockets = new Map<string, Set<string>>();

  async connected(userId: string, socketId: string): Promise<boolean> {
    let mine = this.sockets.get(userId);
    if (!mine) {
      mine = new Set();
      this.sockets.set(userId, mine);
    }
    const wasOffline = mine.size === 0;
    mine.add(socketId);
    return wasOffline;
  }

  async disconnected(userId: string, socketId: string): Promise<boolean> {
    const mine = this.sockets.get(userId);
    if (!mine?.delete(socketId)) return false;
    if (mine.size > 0) return false;
    this.sockets.delete(userId);
    return true;
  }

  async isOnline(userId: string): Promise<boolean> {
    return (this.sockets.get(userId)?.size ?? 0) > 0;
  }

  onChange(): void {
    // One process: every change comes through connected/disconnected.
  }

  async close(): Promise<void> {}
}

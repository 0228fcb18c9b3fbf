/**
 * Connection-state recovery with bounded memory. Socket.io's in-memory adapter keeps every
 * broadcast packet for the whole recovery window and purges once a minute: about 3 KB per
 * message, so its memory grew with traffic (500-700 MB after ~150,000 messages in the
 * bench). This adapter keeps the newest `maxPackets` at most. A client away for longer
 * than they cover is not recovered and catches up with `GET /messages/:chatId?after=`
 * (PROTOCOL §7), as it would after the window.
 */
import { type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';

export function boundedRecoveryAdapter(maxPackets: number): typeof SessionAwareAdapter {
  // Trimmed in chunks, so the array is not shifted on every broadcast.
  const slack = Math.max(1, Math.ceil(maxPackets / 10));
  return class BoundedRecoveryAdapter extends SessionAwareAdapter {
    override broadcast(packet: unknown, opts: BroadcastOptions): void {
      super.broadcast(packet, opts);
      // The buffer is private to Socket.io's class; it is the one thing this adapter changes.
      const { packets } = this as unknown as { packets: unknown[] };
      if (packets.length > maxPackets + slack) packets.splice(0, packets.length - maxPackets);
    }
  };
}

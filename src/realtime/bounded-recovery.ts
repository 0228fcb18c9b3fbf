/**
 * Connection-state recovery with bounded memory. Socket.io's own SessionAwareAdapter keeps
 * every broadcast packet for the whole recovery window and purges once a minute: about
 * 3 KB per message, so its memory grew with traffic (500-700 MB after ~150,000 messages in
 * the bench). This adapter owns its buffer instead (the same small logic, over a buffer
 * that is ours to bound) and keeps the newest packets within `maxPackets` and `maxBytes`
 * (each packet counted as its JSON's bytes and a fixed overhead). A client away for longer
 * than they cover is not recovered and catches up with `GET /messages/:chatId?after=`
 * (docs/protocol.md, "Reconnection and catch-up"), as after the window.
 *
 * Each packet is kept as its JSON in a Buffer, outside the V8 heap, not as the objects it
 * was emitted with: objects that outlive two young-generation collections are copied into
 * the old generation, and the buffer made every broadcast's payload such an object (a
 * buffer of 10 packets instead of 20,000 cut the server's CPU per message by ~14%). The
 * protocol's events are JSON, so the parsed copy is what the client would have read.
 */

import type { Namespace } from 'socket.io';
import { Adapter, type BroadcastOptions, type Session } from 'socket.io-adapter';
import { JsonEncoder } from './json-encoder.js';

export interface RecoveryBounds {
  maxPackets: number;
  maxBytes: number;
}

/** What the buffer holds now: packets, and their size in bytes as counted against maxBytes. */
export interface RecoveryBufferSize {
  packets: number;
  bytes: number;
}

type SessionToPersist = Parameters<Adapter['persistSession']>[0];

interface StoredSession extends SessionToPersist {
  disconnectedAt: number;
}

interface StoredPacket {
  seq: number;
  rooms: string[];
  except: string[];
  /** The packet's data, offset included, as JSON. */
  json: Buffer;
  emittedAt: number;
  bytes: number;
}

/** Socket.io's packet type for an event; other packets are not replayed. */
const EVENT = 2;
/** Socket.io reads a null session as "not recovered"; the adapter's typing leaves null out. */
export const NOT_RECOVERED = null as unknown as Promise<Session>;
/** The stored packet's entry, its rooms and the Buffer's own object, besides the JSON. */
const PACKET_OVERHEAD = 200;

/** Recovery's JSON is written into slabs of this size, one packet after another. */
const SLAB_BYTES = 1024 * 1024;

/**
 * The packets' JSON, back to back in slabs of their own: Node's shared 8 KB pool would put
 * each beside short-lived buffers (the frames sent) and keep those alive with it, several
 * times the bytes held (measured ~2.5× with 1 KB packets). Packets are dropped oldest
 * first, so a slab is freed once its last packet goes.
 */
class JsonSlabs {
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private used = 0;

  /** `text` from `start` as UTF-8, in the current slab (a large one gets a buffer of its own). */
  store(text: string, start: number): Buffer {
    const most = (text.length - start) * 3;
    if (most > SLAB_BYTES / 4) return Buffer.from(text.slice(start));
    if (this.used + most > SLAB_BYTES) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    const written = this.slab.write(text.slice(start), this.used);
    const json = this.slab.subarray(this.used, this.used + written);
    this.used += written;
    return json;
  }
}

const matches = (rooms: string[], packet: StoredPacket): boolean =>
  (packet.rooms.length === 0 || rooms.some((room) => packet.rooms.includes(room))) &&
  rooms.every((room) => !packet.except.includes(room));

/** The data as it was emitted: JSON holds nothing else (see above). */
function dataOf(packet: StoredPacket): unknown[] {
  const data: unknown = JSON.parse(packet.json.toString('utf8'));
  return Array.isArray(data) ? data : [];
}

export function boundedRecoveryAdapter(bounds: RecoveryBounds): typeof Adapter {
  return class BoundedRecoveryAdapter extends Adapter {
    private readonly sessions = new Map<string, StoredSession>();
    /** Oldest first; entries before `head` have been dropped (compacted now and then). */
    private packets: (StoredPacket | undefined)[] = [];
    private head = 0;
    private bytes = 0;
    private readonly slabs = new JsonSlabs();
    private nextSeq = 0;
    /** Offsets are `<prefix>-<seq>`: the prefix keeps another process's offsets apart. */
    private readonly prefix = Math.random().toString(36).slice(2, 8);
    private readonly windowMs: number;
    private readonly purgeTimer: NodeJS.Timeout;

    constructor(nsp: Namespace) {
      super(nsp);
      this.windowMs = nsp.server._opts.connectionStateRecovery?.maxDisconnectionDuration ?? 0;
      // As Socket.io's adapter: expired sessions and packets go once a minute.
      this.purgeTimer = setInterval(() => this.purge(Date.now() - this.windowMs), 60_000);
      this.purgeTimer.unref();
    }

    get buffered(): RecoveryBufferSize {
      return { packets: this.packets.length - this.head, bytes: this.bytes };
    }

    override close(): void {
      clearInterval(this.purgeTimer);
    }

    override persistSession(session: SessionToPersist): void {
      this.sessions.set(session.pid, { ...session, disconnectedAt: Date.now() });
    }

    override restoreSession(pid: string, offset: string): Promise<Session> {
      const session = this.sessions.get(pid);
      if (!session) return NOT_RECOVERED;
      if (session.disconnectedAt + this.windowMs < Date.now()) {
        this.sessions.delete(pid);
        return NOT_RECOVERED;
      }
      const index = this.indexOf(offset);
      if (index === undefined) return NOT_RECOVERED; // too old, or not ours
      const missedPackets: unknown[][] = [];
      for (let i = index + 1; i < this.packets.length; i++) {
        const packet = this.packets[i] as StoredPacket;
        if (matches(session.rooms, packet)) missedPackets.push(dataOf(packet));
      }
      return Promise.resolve({ ...session, missedPackets });
    }

    override broadcast(
      packet: { type: number; id?: number; data: unknown[] },
      opts: BroadcastOptions,
    ): void {
      // Packets with an ack cannot be replayed (the callback does not survive), nor
      // volatile ones (they may be lost by definition).
      if (packet.type === EVENT && packet.id === undefined && opts.flags?.volatile === undefined) {
        const seq = this.nextSeq++;
        // The offset goes last in the data: the client keeps it as the last one it got.
        packet.data.push(this.offsetOf(seq));
        super.broadcast(packet, opts);
        const json = this.jsonOf(packet);
        const bytes = PACKET_OVERHEAD + json.byteLength;
        this.keep({
          seq,
          rooms: [...opts.rooms],
          except: opts.except ? [...opts.except] : [],
          json,
          emittedAt: Date.now(),
          bytes,
        });
        this.bytes += bytes;
        this.trim();
        return;
      }
      super.broadcast(packet, opts);
    }

    /** The data's JSON: the text the encoder just made for it when it can tell, else made here. */
    private jsonOf(packet: { data: unknown[] }): Buffer {
      const { encoder } = this.nsp.server;
      const last = encoder instanceof JsonEncoder ? encoder.last : undefined;
      // The main namespace's event: "2" then the data's JSON.
      if (last?.packet === packet && last.text.startsWith('2['))
        return this.slabs.store(last.text, 1);
      return this.slabs.store(JSON.stringify(packet.data), 0);
    }

    /**
     * Adds the packet in its seq's place, so that offsets are found by seq (indexOf). The
     * newest goes last, except when a broadcast was made while this one was being delivered
     * (an outgoing listener's): that one is held already, and this one goes before it.
     */
    private keep(packet: StoredPacket): void {
      let at = this.packets.length;
      while (at > this.head && (this.packets[at - 1] as StoredPacket).seq > packet.seq) at--;
      if (at === this.packets.length) this.packets.push(packet);
      else this.packets.splice(at, 0, packet);
    }

    private offsetOf(seq: number): string {
      return `${this.prefix}-${seq.toString(36)}`;
    }

    /**
     * The buffer index of the packet with this offset, if it is still held: searched by
     * seq, which rises along the buffer (keep()) but not always by one (a broadcast that
     * threw, its payload not JSON, took a seq and holds no place).
     */
    private indexOf(offset: string): number | undefined {
      const [prefix, seq36] = offset.split('-');
      if (prefix !== this.prefix || seq36 === undefined) return undefined;
      const seq = Number.parseInt(seq36, 36);
      let low = this.head;
      let high = this.packets.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const packet = this.packets[middle] as StoredPacket;
        if (packet.seq < seq) low = middle + 1;
        else if (packet.seq > seq) high = middle - 1;
        // parseInt reads a prefix of garbage too: only an offset we issued matches exactly.
        else return this.offsetOf(packet.seq) === offset ? middle : undefined;
      }
      return undefined;
    }

    /** Drops the oldest packets until both bounds hold. */
    private trim(): void {
      while (
        this.head < this.packets.length &&
        (this.packets.length - this.head > bounds.maxPackets || this.bytes > bounds.maxBytes)
      ) {
        this.dropOldest();
      }
      // Compacted in chunks, so the array is not shifted on every broadcast.
      if (this.head > 1024 && this.head * 2 > this.packets.length) {
        this.packets = this.packets.slice(this.head);
        this.head = 0;
      }
    }

    private dropOldest(): void {
      this.bytes -= (this.packets[this.head] as StoredPacket).bytes;
      this.packets[this.head++] = undefined;
    }

    private purge(threshold: number): void {
      for (const [pid, session] of this.sessions) {
        if (session.disconnectedAt < threshold) this.sessions.delete(pid);
      }
      while (this.head < this.packets.length) {
        const oldest = this.packets[this.head] as StoredPacket;
        if (oldest.emittedAt >= threshold) break;
        this.dropOldest();
      }
      this.trim();
    }
  };
}

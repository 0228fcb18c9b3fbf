/**
 * A short two-note chime for a chat the server assigned to this admin (ROUTING=auto),
 * made with WebAudio: no sound file to ship. A browser that allows no sound yet (no
 * gesture on the page so far) or has no WebAudio stays silent; a chime is never a failure.
 */
let context: AudioContext | undefined;

const NOTES: ReadonlyArray<[hz: number, startS: number]> = [
  [660, 0],
  [880, 0.14],
];

export function chime(): void {
  try {
    if (typeof AudioContext === 'undefined') return;
    context ??= new AudioContext();
    const audio = context;
    audio.resume().catch(() => undefined);
    const at = audio.currentTime;
    for (const [hz, start] of NOTES) {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = hz;
      volume.gain.setValueAtTime(0.0001, at + start);
      volume.gain.exponentialRampToValueAtTime(0.2, at + start + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + start + 0.3);
      tone.connect(volume).connect(audio.destination);
      tone.start(at + start);
      tone.stop(at + start + 0.32);
    }
  } catch {
    // Silence: the chat opens and the notification shows all the same.
  }
}

// Tracks, shaped like twilio-video's: a MediaStreamTrack with a name, attach()/detach() to media elements.
import { EventEmitter } from './emitter.js';
import type { MediaKind } from './protocol.js';

export class Track extends EventEmitter {
  readonly attachments = new Set<HTMLMediaElement>();
  constructor(
    readonly kind: MediaKind,
    readonly name: string,
    readonly mediaStreamTrack: MediaStreamTrack,
  ) {
    super();
  }

  get isEnabled(): boolean {
    return this.mediaStreamTrack.enabled;
  }

  /** Plays the track in an element (a new <video>/<audio> when none is given) and returns it. */
  attach(el?: HTMLMediaElement | string): HTMLMediaElement {
    let target: HTMLMediaElement;
    if (typeof el === 'string') {
      const found = document.querySelector(el);
      if (!(found instanceof HTMLMediaElement)) throw new Error(`no media element matches ${el}`);
      target = found;
    } else {
      target = el ?? document.createElement(this.kind);
    }
    target.autoplay = true;
    target.setAttribute('playsinline', '');
    if (this.kind === 'video') target.muted = true;
    target.srcObject = new MediaStream([this.mediaStreamTrack]);
    void target.play().catch(() => undefined);
    this.attachments.add(target);
    return target;
  }

  /** Stops playing in one element, or in all (returned). */
  detach(el?: HTMLMediaElement): HTMLMediaElement[] {
    const els = el ? [el] : [...this.attachments];
    for (const e of els) {
      e.srcObject = null;
      this.attachments.delete(e);
    }
    return els;
  }
}

export class LocalTrack extends Track {
  enable(enabled = true): this {
    this.mediaStreamTrack.enabled = enabled;
    this.emit(enabled ? 'enabled' : 'disabled', this);
    return this;
  }

  disable(): this {
    return this.enable(false);
  }

  stop(): void {
    this.mediaStreamTrack.stop();
    this.emit('stopped', this);
  }
}
export class LocalAudioTrack extends LocalTrack {}
export class LocalVideoTrack extends LocalTrack {}

export class RemoteTrack extends Track {
  constructor(
    readonly sid: string,
    kind: MediaKind,
    name: string,
    mediaStreamTrack: MediaStreamTrack,
    private readonly setLayer: (layer: number | null) => void,
  ) {
    super(kind, name, mediaStreamTrack);
  }

  /**
   * Which simulcast layer to receive, from the size it is shown at (null: let the server choose from the
   * bandwidth). The server still drops to a lower layer when the downlink cannot carry this one.
   */
  setContentPreferences(prefs: { renderDimensions?: { width: number; height: number } | null }): void {
    const h = prefs.renderDimensions?.height;
    this.setLayer(h === undefined ? null : h <= 180 ? 0 : h <= 360 ? 1 : 2);
  }
}
export class RemoteAudioTrack extends RemoteTrack {}
export class RemoteVideoTrack extends RemoteTrack {}

export interface CreateLocalTracksOptions {
  audio?: boolean | MediaTrackConstraints;
  video?: boolean | MediaTrackConstraints;
}

export async function createLocalTracks(o: CreateLocalTracksOptions = { audio: true, video: true }): Promise<LocalTrack[]> {
  const audio = o.audio ?? true;
  const video = o.video ?? true;
  if (!audio && !video) return [];
  const stream = await navigator.mediaDevices.getUserMedia({
    audio,
    video: video === true ? { width: 640, height: 480, frameRate: 24 } : video,
  });
  return stream.getTracks().map((t) => (t.kind === 'audio' ? new LocalAudioTrack('audio', t.id, t) : new LocalVideoTrack('video', t.id, t)));
}

export async function createLocalAudioTrack(constraints: boolean | MediaTrackConstraints = true): Promise<LocalAudioTrack> {
  return (await createLocalTracks({ audio: constraints, video: false }))[0] as LocalAudioTrack;
}

export async function createLocalVideoTrack(constraints: boolean | MediaTrackConstraints = true): Promise<LocalVideoTrack> {
  return (await createLocalTracks({ audio: false, video: constraints }))[0] as LocalVideoTrack;
}

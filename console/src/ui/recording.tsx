/**
 * A recording on a call's page: an audio player and a waveform, both from the WAV the page fetches with its
 * session (a blob: URL: the API's media path would need Basic credentials with --media-auth, which the page
 * does not have), and the recording's transcriptions.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, apiBlob } from '../api.js';
import type { Recording, Transcription } from '../types.js';
import { StatusPill } from './common.js';

/** Peak amplitude per column, drawn as a mirrored bar from the middle line. */
function drawWaveform(canvas: HTMLCanvasElement, samples: Float32Array): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const width = Math.max(100, canvas.clientWidth * devicePixelRatio);
  const height = 64 * devicePixelRatio;
  canvas.width = width;
  canvas.height = height;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = getComputedStyle(canvas).color;
  const per = Math.max(1, Math.floor(samples.length / width));
  for (let x = 0; x < width; x++) {
    let peak = 0;
    for (let i = x * per; i < Math.min(samples.length, (x + 1) * per); i++) peak = Math.max(peak, Math.abs(samples[i]!));
    const h = Math.max(1, peak * height);
    ctx.fillRect(x, (height - h) / 2, 1, h);
  }
}

export function RecordingView(props: { accountSid: string; recording: Recording }) {
  const r = props.recording;
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [texts, setTexts] = useState<Transcription[]>([]);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (r.status !== 'completed') return;
    let made: string | null = null;
    let live = true;
    const path = `/2010-04-01/Accounts/${props.accountSid}/Recordings/${r.sid}.wav`;
    apiBlob(path)
      .then(async (blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
        const ctx = new OfflineAudioContext(1, 1, 8000);
        const audio = await ctx.decodeAudioData(await blob.arrayBuffer());
        if (live && canvas.current) drawWaveform(canvas.current, audio.getChannelData(0));
      })
      .catch((e: Error) => live && setError(e.message));
    api<{ transcriptions: Transcription[] }>(`/2010-04-01/Accounts/${props.accountSid}/Recordings/${r.sid}/Transcriptions.json`).then(
      (t) => live && setTexts(t.transcriptions),
      () => undefined,
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [props.accountSid, r.sid, r.status]);

  return (
    <li class="recording card" data-sid={r.sid} data-testid="recording">
      <div class="list-row">
        <span class="mono small">{r.sid}</span>
        <span>{r.duration} s</span>
        <span class="muted">{r.source}</span>
        <StatusPill status={r.status} />
      </div>
      {error ? <p class="error">Cannot load the audio: {error}</p> : null}
      <canvas ref={canvas} class="waveform" role="img" aria-label={`Waveform of recording ${r.sid}`} data-testid="waveform" />
      {url ? (
        // biome-ignore lint/a11y/useMediaCaption: a call recording has no captions; its transcription is shown below.
        <audio controls src={url} preload="metadata" aria-label={`Recording ${r.sid}`} />
      ) : null}
      {texts.map((t) => (
        <p key={t.sid} class="transcription" data-testid="transcription">
          <strong>Transcription</strong> ({t.status}): {t.transcription_text ?? '…'}
        </p>
      ))}
    </li>
  );
}

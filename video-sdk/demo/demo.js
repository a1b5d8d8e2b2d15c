// The demo page: a token from /video-demo/token, then the SDK does the rest (one tile per participant).
import { connect } from '/video/sdk.js';

const $ = (id) => document.getElementById(id);
const grid = $('grid');
let room = null;

function tile(sid, label) {
  let el = document.getElementById(`tile-${sid}`);
  if (!el) {
    el = document.createElement('div');
    el.className = 'tile';
    el.id = `tile-${sid}`;
    const name = document.createElement('span');
    name.textContent = label;
    el.append(name);
    grid.append(el);
  }
  return el;
}

function attach(track, sid, label) {
  const el = track.attach();
  el.dataset.trackSid = track.sid ?? '';
  tile(sid, label).prepend(el);
}

function watch(participant) {
  participant.on('trackSubscribed', (track) => attach(track, participant.sid, participant.identity));
  participant.on('trackUnsubscribed', (track) => {
    for (const e of track.detach()) e.remove();
  });
  for (const pub of participant.tracks.values()) if (pub.track) attach(pub.track, participant.sid, participant.identity);
}

function status(text) {
  $('status').textContent = text;
  document.body.dataset.state = room?.state ?? 'disconnected';
}

$('identity').value = `guest-${Math.random().toString(36).slice(2, 6)}`;
$('join').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('join-button').disabled = true;
  try {
    const res = await fetch('/video-demo/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: $('identity').value, room: $('room').value }),
    });
    if (!res.ok) throw new Error((await res.json()).message);
    const { token } = await res.json();
    room = await connect(token, { name: $('room').value, audio: true, video: { width: 640, height: 480 } });
    window.room = room;
    for (const pub of room.localParticipant.tracks.values()) if (pub.kind === 'video') attach(pub.track, 'local', `${room.localParticipant.identity} (you)`);
    room.participants.forEach(watch);
    room.on('participantConnected', watch);
    room.on('participantDisconnected', (p) => document.getElementById(`tile-${p.sid}`)?.remove());
    room.on('reconnecting', () => status('Reconnecting...'));
    room.on('reconnected', () => status(`Connected to ${room.name}.`));
    room.on('disconnected', (_r, err) => {
      grid.replaceChildren();
      status(err ? `Disconnected: ${err.message} (${err.code}).` : 'Disconnected.');
      $('join-button').disabled = false;
      $('leave-button').disabled = true;
      for (const pub of room.localParticipant.tracks.values()) pub.track.stop();
    });
    $('leave-button').disabled = false;
    status(`Connected to ${room.name} as ${room.localParticipant.identity}.`);
  } catch (err) {
    status(`Could not join: ${err.message}${err.code ? ` (${err.code})` : ''}`);
    $('join-button').disabled = false;
  }
});
$('leave-button').addEventListener('click', () => room?.disconnect());

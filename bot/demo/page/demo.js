// The demo's page: draws the stand-in's chats and turns clicks and typing into updates.
// Texts are drawn from Telegram's entities, never parsed as HTML: only Telegram's
// formatting becomes elements, everything else stays text.
'use strict';

const ZONE = 'Europe/Helsinki';
let version = -1;
let state = null;
let topic = null;      // the staff topic shown (null: General)
let replyTo = null;    // the staff message a therapist answers
let who = 'anna';      // whose phone is shown
let popupsSeen = -1;

const HINTS = {
  true: 'Anna\'s chat is linked to her child\'s case: what she writes goes to the therapists '
    + 'on the right. /start shows the menu; 🌐 in it changes the bot\'s language.',
  false: 'Bea has just found the bot: she can ask for advice by buttons or in her own words. '
    + 'Her phone\'s Telegram language decides the bot\'s first language.',
};

const $ = (id) => document.getElementById(id);

function post(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Otbot-Demo': '1' },
    body: JSON.stringify(body),
  });
}

// -- formatting ----------------------------------------------------------------------------

const TAGS = {
  bold: 'b', italic: 'i', underline: 'u', strikethrough: 's', code: 'code', pre: 'pre',
  blockquote: 'blockquote', expandable_blockquote: 'blockquote',
};

function safeUrl(url) {
  return /^(https?:|tg:)/i.test(url) ? url : null;
}

function element(entity, text) {
  if (TAGS[entity.type]) return document.createElement(TAGS[entity.type]);
  const span = document.createElement('span');
  if (entity.type === 'spoiler') span.className = 'spoiler';
  if (entity.type === 'bot_command') span.className = 'command';
  if (entity.type === 'text_link' || entity.type === 'url') {
    const href = safeUrl(entity.type === 'url'
      ? text.slice(entity.offset, entity.offset + entity.length) : entity.url || '');
    if (href) {
      const link = document.createElement('a');
      link.href = href;
      link.title = href + ' (the demo opens no links)';
      link.addEventListener('click', (event) => event.preventDefault());
      return link;
    }
  }
  return span;
}

// Offsets are in UTF-16 code units, as JavaScript strings count them.
function build(parent, text, start, end, entities) {
  let at = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const stop = Math.min(entity.offset + entity.length, end);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < stop) j += 1;
    const from = Math.max(entity.offset, at);
    if (from > at) parent.append(text.slice(at, from));
    const node = element(entity, text);
    build(node, text, from, stop, entities.slice(i + 1, j));
    parent.append(node);
    at = Math.max(at, stop);
    i = j;
  }
  if (at < end) parent.append(text.slice(at, end));
}

function formatted(text, entities) {
  const fragment = document.createDocumentFragment();
  const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(fragment, text, 0, text.length, sorted);
  return fragment;
}

// -- messages --------------------------------------------------------------------------------

const KINDS = { sticker: '🙂 sticker', voice: '🎤 voice message', video: '🎬 video',
  document: '📄 document', location: '📍 location', photo: '🖼 photo', audio: '🎵 audio',
  animation: '🎞 GIF', video_note: '⏺ video message' };

function clock(seconds) {
  return new Intl.DateTimeFormat('fi-FI', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' })
    .format(new Date(seconds * 1000));
}

function phone() {
  return state.phones.find((entry) => entry.key === who) || state.phones[0];
}

function bubble(message, byId, side) {
  const mine = side !== 'staff' ? !message.bot : !message.bot && message.from === state.staff.therapist;
  const box = document.createElement('div');
  box.className = 'message' + (mine ? ' mine' : '');
  box.dataset.id = message.id;
  const inner = document.createElement('div');
  inner.className = 'bubble';
  if (side === 'staff' && !mine) {
    const sender = document.createElement('span');
    sender.className = 'sender';
    sender.textContent = message.bot ? 'otbot' + (message.copied ? ' · from the family' : '') : message.from;
    inner.append(sender);
  }
  const quoted = message.reply_to && byId.get(message.reply_to);
  if (quoted) {
    const quote = document.createElement('div');
    quote.className = 'quote';
    quote.textContent = quoted.text || KINDS[quoted.kind] || '';
    inner.append(quote);
  }
  if (message.image) {
    const img = document.createElement('img');
    img.src = '/api/file/' + encodeURIComponent(message.image);
    img.alt = 'photo';
    inner.append(img);
  } else if (message.kind !== 'text' && KINDS[message.kind]) {
    const what = document.createElement('div');
    what.className = 'placeholder';
    what.textContent = KINDS[message.kind];
    inner.append(what);
  }
  const text = document.createElement('span');
  text.className = 'text';
  text.append(formatted(message.text || '', message.entities));
  inner.append(text);
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = (message.edited ? 'edited ' : '') + clock(message.date);
  inner.append(meta);
  if (message.reactions.length) {
    const reactions = document.createElement('div');
    reactions.className = 'reactions';
    reactions.textContent = message.reactions.join(' ');
    inner.append(reactions);
  }
  box.append(inner);
  if (message.buttons.length) box.append(keyboard(message, side));
  if (side === 'staff' && !message.bot) {
    inner.title = 'Click to reply to this message';
    inner.addEventListener('click', () => { replyTo = message.id; showReply(); $('staff-text').focus(); });
  } else if (side === 'staff' && message.copied) {
    inner.title = 'Click to reply to this message';
    inner.addEventListener('click', () => { replyTo = message.id; showReply(); $('staff-text').focus(); });
  }
  return box;
}

function keyboard(message, side) {
  const board = document.createElement('div');
  board.className = 'keyboard';
  for (const row of message.buttons) {
    const line = document.createElement('div');
    line.className = 'row';
    for (const button of row) {
      const press = document.createElement('button');
      press.type = 'button';
      press.textContent = button.text;
      press.title = button.text;
      if (button.url) {
        press.className = 'url';
        press.addEventListener('click', () => popup(side, button.url + '\n(the demo opens no links)', false));
      } else {
        const path = side === 'staff' ? '/api/staff/press' : '/api/phone/' + side + '/press';
        press.addEventListener('click', () => post(path, { id: message.id, data: button.data }));
      }
      line.append(press);
    }
    board.append(line);
  }
  return board;
}

function fill(container, messages, side) {
  const atEnd = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  const byId = new Map(messages.map((m) => [m.id, m]));
  container.replaceChildren(...messages.map((m) => bubble(m, byId, side)));
  if (atEnd) container.scrollTop = container.scrollHeight;
}

// -- the staff group's topics ---------------------------------------------------------------

function drawTopics() {
  const nav = $('topics');
  const entries = [{ id: null, name: '# General', closed: false }].concat(state.staff.topics);
  nav.replaceChildren(...entries.map((entry) => {
    const item = document.createElement('button');
    item.type = 'button';
    item.textContent = entry.name;
    item.className = (entry.id === topic ? 'current' : '') + (entry.closed ? ' closed' : '');
    item.dataset.topic = entry.id === null ? 'general' : String(entry.id);
    item.addEventListener('click', () => { topic = entry.id; replyTo = null; showReply(); draw(false); });
    return item;
  }));
}

function showReply() {
  $('replying').hidden = replyTo === null;
}

// -- pop-ups, clock, calls -------------------------------------------------------------------

function popup(side, text, alert) {
  const box = $(side === 'staff' ? 'staff-popup' : 'parent-popup');
  box.textContent = text;
  box.className = 'popup' + (alert ? ' alert' : '');
  box.hidden = false;
  clearTimeout(box.timer);
  if (alert) {
    box.onclick = () => { box.hidden = true; };
  } else {
    box.timer = setTimeout(() => { box.hidden = true; }, 3000);
  }
}

function drawPopups(initial) {
  for (const shown of state.popups) {
    if (shown.n > popupsSeen) {
      popupsSeen = shown.n;
      if (!initial && (shown.side === 'staff' || shown.side === who)) {
        popup(shown.side, shown.text, shown.alert);
      }
    }
  }
}

function drawPhoneOwner() {
  const select = $('who');
  if (select.options.length !== state.phones.length) {
    select.replaceChildren(...state.phones.map((entry) => {
      const option = document.createElement('option');
      option.value = entry.key;
      option.textContent = entry.name + (entry.linked ? ' (a customer)' : ' (new)');
      return option;
    }));
  }
  const shown = phone();
  select.value = shown.key;
  $('phone-language').value = shown.language;
  $('phone').dataset.who = shown.key;
  $('phone').dataset.language = shown.language;
  $('parent-name').textContent = shown.name;
  $('phone-hint').textContent = HINTS[shown.linked];
}

function localInput(date) {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return parts.replace(' ', 'T');
}

function drawClock() {
  const now = new Date(state.now);
  $('now').textContent = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'short',
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(now);
  const input = $('clock-to');
  if (document.activeElement !== input) input.value = localInput(now);
}

function drawCalls() {
  $('call-count').textContent = state.calls.length;
  $('calls').replaceChildren(...state.calls.map((call) => {
    const item = document.createElement('li');
    item.textContent = call.method + (call.chat != null ? ' chat ' + call.chat : '')
      + (call.thread != null ? ' topic ' + call.thread : '') + (call.ok ? '' : ' → ' + call.error);
    if (!call.ok) item.className = 'failed';
    return item;
  }));
  $('problems').replaceChildren(...state.problems.map((problem) => {
    const item = document.createElement('li');
    item.textContent = 'Broke the Bot API rules: ' + problem;
    return item;
  }));
}

// -- drawing and news --------------------------------------------------------------------------

// `initial`: the first drawing, which opens the case's topic and shows no old pop-ups.
function draw(initial) {
  if (initial) topic = state.staff.case_topic;
  drawPhoneOwner();
  $('therapist-name').textContent = state.staff.therapist;
  $('staff-title').textContent = state.staff.title;
  fill($('parent-chat'), phone().messages, phone().key);
  drawTopics();
  fill($('staff-chat'), state.staff.messages.filter((m) => m.thread === topic), 'staff');
  drawPopups(initial);
  drawClock();
  drawCalls();
  document.body.dataset.version = String(state.version);
}

function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function follow() {
  let initial = true;
  for (;;) {
    try {
      const answer = await fetch('/api/state?after=' + version, { cache: 'no-store' });
      if (answer.ok) {
        state = await answer.json();
        version = state.version;
        draw(initial);
        initial = false;
        continue;
      }
    } catch (error) {
      // The demo stopped or restarts; try again shortly.
    }
    await wait(1000);
  }
}

// -- what the person at the page does -------------------------------------------------------------

function onSubmit(form, input, send) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text);
  });
}

function setUp() {
  onSubmit($('parent-form'), $('parent-text'), (text) => post('/api/phone/' + who + '/text', { text }));
  $('who').addEventListener('change', (event) => {
    who = event.target.value;
    $('parent-popup').hidden = true;
    $('parent-chat').scrollTop = 1e9;
    draw(false);
    $('parent-chat').scrollTop = $('parent-chat').scrollHeight;
  });
  $('phone-language').addEventListener('change', (event) => {
    post('/api/phone/' + who + '/language', { language: event.target.value });
  });
  onSubmit($('staff-form'), $('staff-text'), (text) => {
    post('/api/staff/text', { text, thread: topic, reply_to: replyTo });
    replyTo = null;
    showReply();
  });
  $('parent-photo').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('photo', file);
    const caption = $('parent-text').value.trim();
    if (caption) form.append('caption', caption);
    $('parent-text').value = '';
    fetch('/api/phone/' + who + '/photo', { method: 'POST', headers: { 'X-Otbot-Demo': '1' }, body: form });
    event.target.value = '';
  });
  $('reply-cancel').addEventListener('click', () => { replyTo = null; showReply(); });
  for (const shortcut of document.querySelectorAll('.shortcuts button')) {
    shortcut.addEventListener('click', () => {
      const input = $('staff-text');
      input.value = shortcut.dataset.command;
      input.focus();
    });
  }
  for (const ahead of document.querySelectorAll('#clock button[data-hours]')) {
    ahead.addEventListener('click', () => post('/api/clock', { hours: Number(ahead.dataset.hours) }));
  }
  $('clock').addEventListener('submit', (event) => {
    event.preventDefault();
    post('/api/clock', { local: $('clock-to').value });
  });
  follow();
}

setUp();

// Touchstone field form (docs/field.md). Our own script, served by the daemon; no libraries.
// Keeps each visit's answers on the device (localStorage) and its photos (IndexedDB: a phone's
// localStorage holds about 5 MB in all, a few photos) as they are entered, queues submitted
// audits and sends them when the network is there: the document first, then each photo, always
// with the audit id made on the device when the visit started. A sent visit's photos leave the
// device; their thumbnails stay for the list.
'use strict';
(() => {
  const root = document.querySelector('#field-visit, #field-list');
  if (!root) return;
  const auditor = root.dataset.auditor;
  const storeKey = 'touchstone.field.' + auditor;
  const labels = root.dataset.labels ? JSON.parse(root.dataset.labels) : {};
  const t = (key) => labels[key] || key;

  // ---- Storage: one JSON object per auditor: {csrf, sharePosition, visits: {id: entry}}.
  function load() {
    try {
      const value = JSON.parse(localStorage.getItem(storeKey));
      if (value && value.visits) return value;
    } catch (e) { /* a damaged store starts again */ }
    return { visits: {} };
  }
  function save(state) { localStorage.setItem(storeKey, JSON.stringify(state)); }
  function update(change) { const state = load(); change(state); save(state); return state; }
  if (root.dataset.csrf) update((s) => { s.csrf = root.dataset.csrf; });

  // ---- Photo store: the downscaled JPEGs by auditor/visit/item/name, in IndexedDB.
  const photoDB = new Promise((resolve, reject) => {
    const request = indexedDB.open('touchstone-field', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('photos');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  async function photoStore(mode, work) {
    const db = await photoDB;
    return new Promise((resolve, reject) => {
      const tx = db.transaction('photos', mode);
      const request = work(tx.objectStore('photos'));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const photoKey = (visit, item, name) => [auditor, visit, item, name].join('/');
  const keepPhoto = (key, blob) => photoStore('readwrite', (store) => store.put(blob, key));
  const photoBlob = (key) => photoStore('readonly', (store) => store.get(key));
  const dropPhotos = (keys) => photoStore('readwrite', (store) => { keys.forEach((key) => store.delete(key)); });

  // ---- Service worker: keeps the field pages and this script for offline use.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).then(() => navigator.serviceWorker.ready).then((reg) => {
      const urls = ['/field/visits', '/field/app.js', location.pathname];
      document.querySelectorAll('[data-visit] a[href^="/field/visits/"]').forEach((a) => urls.push(a.getAttribute('href')));
      if (navigator.onLine && reg.active) reg.active.postMessage({ cache: urls });
    }).catch(() => {});
  }

  // ---- Network state.
  function showNetwork() {
    const box = document.getElementById('net-status');
    if (!box) return;
    box.textContent = navigator.onLine ? t('field_online') : t('field_offline');
    box.classList.toggle('offline', !navigator.onLine);
  }
  window.addEventListener('online', () => { showNetwork(); sendQueue(); });
  window.addEventListener('offline', showNetwork);
  showNetwork();

  // ---- Time and ids.
  function localInstant(date) {
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
    const offset = -date.getTimezoneOffset();
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours()) + ':' +
      pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + (offset >= 0 ? '+' : '-') + pad(offset / 60) + ':' + pad(offset % 60);
  }
  function newID() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  async function sha256Hex(buffer) {
    const digest = await crypto.subtle.digest('SHA-256', buffer);
    return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // ---- State labels of a visit on this device.
  function stateText(entry) {
    if (!entry) return '';
    const text = t('field_state_' + entry.status);
    return entry.status === 'rejected' && entry.reason ? text + ': ' + entry.reason : text;
  }
  function showStates() {
    const state = load();
    document.querySelectorAll('[data-state-of]').forEach((el) => {
      const entry = state.visits[el.dataset.stateOf];
      el.textContent = stateText(entry);
      el.className = 'device-state' + (entry ? ' state-' + entry.status : '');
      el.dataset.status = entry ? entry.status : '';
    });
    const summary = document.getElementById('queue-summary');
    if (summary) {
      const entries = Object.entries(state.visits).filter(([, e]) => e.status !== 'draft');
      summary.textContent = entries.length ? entries.map(([id, e]) => id + ': ' + stateText(e)).join(' · ') : '–';
    }
  }

  // ---- The form of one visit.
  const form = document.getElementById('field-form');
  const visitID = root.dataset.visit;
  let definition = null;
  if (form) {
    definition = JSON.parse(root.dataset.definition);
    startVisit();
    restore();
    form.addEventListener('change', onChange);
    form.addEventListener('input', onChange);
    form.addEventListener('submit', (event) => { event.preventDefault(); submit(); });
    form.addEventListener('click', (event) => {
      const button = event.target.closest('[data-remove-photo]');
      if (button) removePhoto(button);
    });
    const share = document.getElementById('share-position');
    share.checked = !!load().sharePosition;
    share.addEventListener('change', () => {
      update((s) => { s.sharePosition = share.checked; });
      if (share.checked) recordPosition();
    });
    if (share.checked) recordPosition();
    runningScore();
  }

  function entryOf(state) { return state.visits[visitID]; }

  function startVisit() {
    update((s) => {
      if (!s.visits[visitID]) {
        s.visits[visitID] = { auditID: newID(), startedAt: localInstant(new Date()), answers: {}, photos: {}, status: 'draft' };
      }
    });
  }

  function recordPosition() {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((p) => {
      update((s) => {
        const e = entryOf(s);
        if (e && e.status === 'draft') e.position = { latitude: p.coords.latitude, longitude: p.coords.longitude };
      });
    }, () => {}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function locked() { const e = entryOf(load()); return e && e.status !== 'draft'; }

  function restore() {
    const entry = entryOf(load());
    for (const [code, value] of Object.entries(entry.answers)) {
      const item = form.querySelector('[data-item="' + CSS.escape(code) + '"]');
      if (!item) continue;
      const radio = item.querySelector('input[type=radio][value="' + CSS.escape(String(value)) + '"]');
      if (radio) { radio.checked = true; continue; }
      const toggle = item.querySelector('input[data-na]');
      if (value === 'na' && toggle) { toggle.checked = true; continue; }
      const field = item.querySelector('input[type=number], textarea');
      if (field) field.value = value;
    }
    for (const [code, photos] of Object.entries(entry.photos)) showPhotos(code, photos);
    form.querySelectorAll('input, textarea, button').forEach((el) => { el.disabled = entry.status !== 'draft'; });
    // A refused audit stored nothing: the auditor may correct it and send it again (a new id
    // after a conflict, which means the server holds other content under the old one).
    const reopen = document.getElementById('field-reopen');
    reopen.hidden = entry.status !== 'rejected';
    reopen.textContent = t('field_edit_again');
    reopen.onclick = () => {
      update((s) => {
        const e = entryOf(s);
        if (e.conflict) e.auditID = newID();
        e.status = 'draft';
        delete e.document; delete e.sent; delete e.reason; delete e.conflict;
      });
      restore();
    };
    showStates();
  }

  function answerOf(item) {
    const type = item.dataset.type;
    const checked = item.querySelector('input[type=radio]:checked');
    if (checked) return checked.value === 'na' ? 'na' : (type === 'scale' ? Number(checked.value) : checked.value);
    const toggle = item.querySelector('input[data-na]');
    if (toggle && toggle.checked) return 'na';
    const field = item.querySelector('input[type=number], textarea');
    if (!field || field.value.trim() === '') return undefined;
    return type === 'measure' ? Number(field.value) : field.value;
  }

  function onChange(event) {
    if (locked()) return;
    const target = event.target;
    if (target.type === 'file') { if (event.type === 'change') addPhotos(target); return; }
    const item = target.closest('[data-item]');
    if (!item) return;
    const code = item.dataset.item;
    const value = answerOf(item);
    update((s) => {
      const e = entryOf(s);
      if (value === undefined) delete e.answers[code]; else e.answers[code] = value;
    });
    item.classList.remove('missing');
    runningScore();
  }

  // ---- Running score: rules.md §1 in floating point, for display only (the server scores exactly).
  function earned(item, answer) {
    if (answer === undefined || answer === 'na' || item.points === undefined) return null;
    const points = Number(item.points);
    switch (item.type) {
      case 'yesno': return answer === 'yes' ? points : answer === 'no' ? 0 : null;
      case 'scale': {
        const lo = item.min ?? 0, hi = item.max ?? 1;
        return typeof answer === 'number' ? points * (answer - lo) / (hi - lo) : null;
      }
      case 'measure':
        if (typeof answer !== 'number' || Number.isNaN(answer) || !item.pass) return null;
        if (item.pass.max !== undefined) return answer <= Number(item.pass.max) ? points : 0;
        return answer >= Number(item.pass.min) ? points : 0;
      case 'choice': {
        const option = (item.options || []).find((o) => o.value === answer);
        return option ? Number(option.points) : null;
      }
      default: return null;
    }
  }
  function score(answers) {
    let weighted = 0, weights = 0, auditCritical = false;
    for (const section of definition.sections) {
      let got = 0, possible = 0, zeroed = false;
      for (const item of section.items) {
        const e = earned(item, answers[item.code]);
        if (e === null) continue;
        got += e; possible += Number(item.points);
        if (e === 0 && item.critical === 'section') zeroed = true;
        if (e === 0 && item.critical === 'audit') auditCritical = true;
      }
      if (possible > 0) { const w = Number(section.weight); weighted += w * (zeroed ? 0 : 100 * got / possible); weights += w; }
    }
    if (weights === 0) return null;
    return auditCritical ? 0 : weighted / weights;
  }
  function runningScore() {
    const out = document.getElementById('running-score');
    if (!out || !definition) return;
    const value = score(entryOf(load()).answers);
    out.textContent = value === null ? '–' : value.toFixed(1);
  }

  // ---- Photos: downscaled on the device, EXIF position and time read from the original.
  async function addPhotos(input) {
    const code = input.closest('[data-item]').dataset.item;
    const maxEdge = Number(root.dataset.photoMaxEdge) || 1600;
    const box = form.querySelector('[data-photos="' + CSS.escape(code) + '"]');
    if (box) box.textContent = t('field_photo_reading');
    try {
      for (const file of Array.from(input.files)) {
        const original = await file.arrayBuffer();
        const captured = readEXIF(new DataView(original));
        const blob = await downscale(file, maxEdge);
        const bytes = await blob.arrayBuffer();
        const photo = {
          name: code + '-' + Date.now().toString(36) + '.jpg', contentType: 'image/jpeg', size: bytes.byteLength,
          sha256: await sha256Hex(bytes), thumbnail: await dataURL(await downscale(blob, 160)),
        };
        if (captured) photo.captured = captured;
        await keepPhoto(photoKey(visitID, code, photo.name), blob);
        update((s) => { const e = entryOf(s); (e.photos[code] = e.photos[code] || []).push(photo); });
      }
    } catch (error) {
      // Most likely the device is full: what was kept stays, the rest is said.
      showPhotos(code, entryOf(load()).photos[code]);
      if (box) box.append(t('field_photo_not_kept') + ' (' + (error && error.name ? error.name : error) + ')');
      input.value = '';
      return;
    }
    input.value = '';
    showPhotos(code, entryOf(load()).photos[code]);
    input.closest('[data-item]').classList.remove('missing');
  }
  function dataURL(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }
  async function downscale(file, maxEdge, quality = 0.85) {
    const image = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const ratio = Math.min(1, maxEdge / Math.max(image.width, image.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.width * ratio));
    canvas.height = Math.max(1, Math.round(image.height * ratio));
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    image.close();
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  }
  function showPhotos(code, photos) {
    const box = form.querySelector('[data-photos="' + CSS.escape(code) + '"]');
    if (!box) return;
    box.replaceChildren(...(photos || []).map((p) => {
      const figure = document.createElement('figure');
      const img = document.createElement('img');
      img.src = p.thumbnail || p.data; img.alt = p.name; img.dataset.sha256 = p.sha256;
      const remove = document.createElement('button');
      remove.type = 'button'; remove.className = 'secondary'; remove.textContent = t('field_photo_remove');
      remove.dataset.removePhoto = p.name;
      remove.disabled = locked();
      figure.append(img, remove);
      return figure;
    }));
  }

  // A photo taken by mistake leaves the visit (and the phone) before submission.
  async function removePhoto(button) {
    if (locked()) return;
    const code = button.closest('[data-item]').dataset.item;
    const name = button.dataset.removePhoto;
    update((s) => { const e = entryOf(s); e.photos[code] = (e.photos[code] || []).filter((p) => p.name !== name); });
    await dropPhotos([photoKey(visitID, code, name)]);
    showPhotos(code, entryOf(load()).photos[code]);
  }

  // A tiny EXIF reader: DateTimeOriginal (+ OffsetTimeOriginal) and the GPS position of a JPEG.
  function readEXIF(view) {
    try {
      if (view.getUint16(0) !== 0xFFD8) return null;
      let offset = 2;
      while (offset + 4 <= view.byteLength) {
        const marker = view.getUint16(offset);
        if (marker === 0xFFDA || marker === 0xFFD9) return null;
        const length = view.getUint16(offset + 2);
        if (marker === 0xFFE1 && view.getUint32(offset + 4) === 0x45786966) return readTIFF(view, offset + 10);
        offset += 2 + length;
      }
    } catch (e) { /* not an EXIF JPEG */ }
    return null;
  }
  function readTIFF(view, tiff) {
    const little = view.getUint16(tiff) === 0x4949;
    const u16 = (o) => view.getUint16(tiff + o, little);
    const u32 = (o) => view.getUint32(tiff + o, little);
    function entries(ifd) {
      const tags = {};
      const count = u16(ifd);
      for (let i = 0; i < count; i++) {
        const e = ifd + 2 + i * 12;
        tags[u16(e)] = { type: u16(e + 2), count: u32(e + 4), at: e + 8 };
      }
      return tags;
    }
    const ascii = (tag) => {
      if (!tag) return null;
      const start = tag.count > 4 ? u32(tag.at) : tag.at;
      let s = '';
      for (let i = 0; i < tag.count; i++) { const c = view.getUint8(tiff + start + i); if (c === 0) break; s += String.fromCharCode(c); }
      return s;
    };
    const rationals = (tag) => {
      if (!tag) return null;
      const start = u32(tag.at);
      const out = [];
      for (let i = 0; i < tag.count; i++) { const d = u32(start + i * 8 + 4); out.push(d ? u32(start + i * 8) / d : 0); }
      return out;
    };
    const ifd0 = entries(u32(4));
    const result = {};
    if (ifd0[0x8769]) {
      const exif = entries(u32(ifd0[0x8769].at));
      const taken = ascii(exif[0x9003]) || ascii(ifd0[0x0132]);
      if (taken && /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(taken)) {
        const offset = ascii(exif[0x9011]);
        result.at = taken.slice(0, 10).replace(/:/g, '-') + 'T' + taken.slice(11) + (offset && /^[+-]\d\d:\d\d$/.test(offset) ? offset : '');
      }
    }
    if (ifd0[0x8825]) {
      const gps = entries(u32(ifd0[0x8825].at));
      const lat = rationals(gps[2]), lon = rationals(gps[4]);
      if (lat && lon && lat.length === 3 && lon.length === 3) {
        const deg = (v) => v[0] + v[1] / 60 + v[2] / 3600;
        const latitude = deg(lat) * (ascii(gps[1]) === 'S' ? -1 : 1);
        const longitude = deg(lon) * (ascii(gps[3]) === 'W' ? -1 : 1);
        if (Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) {
          result.position = { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6 };
        }
      }
    }
    return result.at || result.position ? result : null;
  }

  // ---- Submission: required items first, then the document is frozen and queued.
  function submit() {
    if (locked()) return;
    const entry = entryOf(load());
    const missing = [];
    form.querySelectorAll('[data-item]').forEach((item) => {
      if (item.dataset.required !== 'true') return;
      const code = item.dataset.item;
      const answered = item.dataset.type === 'photo' ? (entry.photos[code] || []).length > 0 : entry.answers[code] !== undefined;
      item.classList.toggle('missing', !answered);
      if (!answered) missing.push(item);
    });
    const errors = document.getElementById('field-errors');
    if (missing.length) {
      errors.replaceChildren(...missing.map((item) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = '#' + item.id;
        a.textContent = t('field_required_missing') + ': ' + item.querySelector('.item-text').textContent.trim();
        li.append(a);
        return li;
      }));
      errors.hidden = false;
      missing[0].scrollIntoView({ block: 'center' });
      return;
    }
    errors.hidden = true;
    update((s) => {
      const e = entryOf(s);
      e.endedAt = localInstant(new Date());
      e.status = 'waiting';
      e.outlet = root.dataset.outlet;
      e.template = root.dataset.template;
      e.templateVersion = Number(root.dataset.templateVersion);
      e.sent = { document: false, photos: {} };
    });
    restore();
    sendQueue();
  }

  // The server learns that a visit started (in progress) at the first send after its form opened.
  async function reportStarts() {
    for (const [id, e] of Object.entries(load().visits)) {
      if (e.startReported) continue;
      const response = await fetch('/api/v1/visits/' + encodeURIComponent(id) + '/start', {
        method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': load().csrf },
      });
      // Started, or refused for good (submitted, expired or cancelled meanwhile): nothing more to say.
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 429)) {
        update((s) => { if (s.visits[id]) s.visits[id].startReported = true; });
      }
    }
  }

  // The document of a queued visit, made once (at its first send) and then sent unchanged.
  function documentOf(id, e) {
    if (e.document) return e.document;
    const attachments = [];
    for (const [item, photos] of Object.entries(e.photos)) {
      for (const p of photos) {
        const a = { item, name: p.name, sha256: p.sha256, contentType: p.contentType, size: p.size };
        if (p.captured) a.captured = p.captured;
        attachments.push(a);
      }
    }
    const device = { startedAt: e.startedAt, endedAt: e.endedAt, sentAt: localInstant(new Date()) };
    if (e.position) device.position = e.position;
    return JSON.stringify({
      id: e.auditID, template: e.template, templateVersion: e.templateVersion, outlet: e.outlet, visitedAt: e.startedAt,
      auditor, answers: e.answers, comments: {}, attachments, device, visit: id,
    });
  }

  // ---- The queue: sent when the network is there (now, on `online`, and every 30 s).
  let sending = false;
  async function sendQueue() {
    // Offline, nothing is tried: the document is made (and its sentAt set) at the first real send.
    if (sending || !navigator.onLine) return;
    sending = true;
    try {
      await reportStarts().catch(() => {}); // out of reach: the sends below find out the same
      const state = load();
      const queued = Object.entries(state.visits).filter(([, e]) => e.status === 'waiting' || e.status === 'sending');
      const progress = document.getElementById('queue-progress');
      let steps = 0, done = 0;
      for (const [, e] of queued) steps += 1 + Object.values(e.photos).reduce((n, list) => n + list.length, 0);
      if (progress) { progress.hidden = steps === 0; progress.max = Math.max(steps, 1); progress.value = 0; }
      for (const [id] of queued) {
        const outcome = await sendOne(id, () => { done += 1; if (progress) progress.value = done; });
        showStates();
        if (outcome === 'offline') break;
      }
    } finally {
      sending = false;
      if (form) restore(); else showStates();
    }
  }

  // The bytes of a photo: from the photo store, or the data: URL a visit queued by an earlier
  // version of this script holds (not fetched: the page's CSP allows connections to our origin only).
  async function photoBytes(id, item, photo) {
    if (photo.data) return blobOf(photo.data);
    const blob = await photoBlob(photoKey(id, item, photo.name));
    if (!blob) throw new PhotoMissing(item + '/' + photo.name);
    return blob;
  }
  class PhotoMissing extends Error {}

  function blobOf(url) {
    const [head, body] = url.split(',', 2);
    const binary = atob(body);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Blob([bytes], { type: head.slice(5).split(';')[0] });
  }

  async function problemOf(response) {
    try {
      const body = await response.json();
      const error = body.error || {};
      const details = (error.details || []).map((d) => d.path + ': ' + d.message).join('; ');
      return (error.message || response.status) + (details ? ' (' + details + ')' : '');
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }

  async function sendOne(id, step) {
    const csrf = load().csrf;
    const headers = { 'X-CSRF-Token': csrf };
    const mark = (change) => update((s) => change(s.visits[id]));
    let e = load().visits[id];
    if (!e.document) mark((x) => { x.document = documentOf(id, x); });
    mark((x) => { x.status = 'sending'; });
    showStates();
    try {
      e = load().visits[id];
      if (!e.sent.document) {
        const response = await fetch('/api/v1/audits', {
          method: 'POST', credentials: 'same-origin', headers: { ...headers, 'Content-Type': 'application/json' }, body: e.document,
        });
        if (!response.ok) return await failed(id, response);
        mark((x) => { x.sent.document = true; });
      }
      step();
      for (const [item, photos] of Object.entries(e.photos)) {
        for (const p of photos) {
          if (load().visits[id].sent.photos[item + '/' + p.name]) { step(); continue; }
          const bytes = await photoBytes(id, item, p);
          const url = '/api/v1/audits/' + encodeURIComponent(e.auditID) + '/attachments/' + encodeURIComponent(item) + '/' +
            encodeURIComponent(p.name);
          const response = await fetch(url, {
            method: 'PUT', credentials: 'same-origin', headers: { ...headers, 'Content-Type': p.contentType }, body: bytes,
          });
          if (!response.ok) return await failed(id, response);
          mark((x) => { x.sent.photos[item + '/' + p.name] = true; });
          step();
        }
      }
      mark((x) => {
        x.status = 'sent'; x.reason = null;
        for (const list of Object.values(x.photos)) list.forEach((p) => { delete p.data; });
      });
      await dropPhotos(Object.entries(e.photos).flatMap(([item, list]) => list.map((p) => photoKey(id, item, p.name))));
      return 'sent';
    } catch (error) {
      if (error instanceof PhotoMissing) {
        mark((x) => { x.status = 'rejected'; x.reason = t('field_photo_missing') + ': ' + error.message; });
        return 'rejected';
      }
      mark((x) => { x.status = 'waiting'; });
      return 'offline';
    }
  }

  // 401 (session over) and server errors wait for the next try; other refusals are final.
  async function failed(id, response) {
    const reason = await problemOf(response);
    const final = response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 408 &&
      response.status !== 429;
    update((s) => {
      const e = s.visits[id];
      e.status = final ? 'rejected' : 'waiting';
      e.reason = reason;
      e.conflict = response.status === 409;
    });
    return final ? 'rejected' : 'offline';
  }

  const sendNow = document.getElementById('send-now');
  if (sendNow) sendNow.addEventListener('click', sendQueue);
  showStates();
  sendQueue();
  setInterval(() => { if (navigator.onLine) sendQueue(); }, 30000);
  // The test hook of the browser test and a way for support to look: the device's queue.
  window.touchstoneField = {
    load, save, sendQueue, score,
    // A photo put on this device (a data: URL) as the form keeps it: the replay test's second phone.
    keepPhoto: (visit, item, name, url) => keepPhoto(photoKey(visit, item, name), blobOf(url)),
  };
})();

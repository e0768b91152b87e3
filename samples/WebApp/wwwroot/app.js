// The drawing page: strokes on a 280×280 black canvas (MNIST digits are light on dark), reduced in
// the browser to a 28×28 gray picture the MNIST way, sent as 784 raw bytes to POST /predict.
'use strict';

const SIDE = 28, BOX = 20;
const NAMES = { bn: 'with BatchNorm (bn)', nobn: 'without BatchNorm (nobn)' };
const pad = document.getElementById('pad');
const ctx = pad.getContext('2d', { willReadFrequently: true });
const seen = document.getElementById('seen');
const results = document.getElementById('results');
const status = document.getElementById('status');
let drawing = false, last = null, pending = null, inFlight = false, dirty = false;

function clearPad() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  seen.getContext('2d').clearRect(0, 0, SIDE, SIDE);
  results.replaceChildren();
  status.textContent = '';
}

function point(e) {
  const r = pad.getBoundingClientRect();
  return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
}

function stroke(from, to) {
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 18;
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}

pad.addEventListener('pointerdown', e => { drawing = true; last = point(e); stroke(last, last); pad.setPointerCapture(e.pointerId); });
pad.addEventListener('pointermove', e => { if (!drawing) return; const p = point(e); stroke(last, p); last = p; schedule(150); });
pad.addEventListener('pointerup', () => { drawing = false; schedule(0); });
pad.addEventListener('pointercancel', () => { drawing = false; });
document.getElementById('clear').addEventListener('click', clearPad);
document.getElementById('file').addEventListener('change', e => { if (e.target.files.length) upload(e.target.files[0]); });

function schedule(delay) {
  clearTimeout(pending);
  pending = setTimeout(predictDrawing, delay);
}

// Crop to the ink, scale its longer side to 20 px, place its centre of mass at the centre of 28×28.
function toMnist() {
  const { data, width, height } = ctx.getImageData(0, 0, pad.width, pad.height);
  let x0 = width, y0 = height, x1 = -1, y1 = -1, mass = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[(y * width + x) * 4];
      if (v === 0) continue;
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      mass += v; mx += v * x; my += v * y;
    }
  }
  if (mass === 0) return null;
  const w = x1 - x0 + 1, h = y1 - y0 + 1, scale = BOX / Math.max(w, h);
  const small = seen.getContext('2d', { willReadFrequently: true });
  small.fillStyle = '#000';
  small.fillRect(0, 0, SIDE, SIDE);
  small.imageSmoothingEnabled = true;
  small.imageSmoothingQuality = 'high';
  const dx = SIDE / 2 - (mx / mass - x0) * scale, dy = SIDE / 2 - (my / mass - y0) * scale;
  small.drawImage(pad, x0, y0, w, h, dx, dy, w * scale, h * scale);
  const rgba = small.getImageData(0, 0, SIDE, SIDE).data;
  const gray = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4];
  return gray;
}

async function predictDrawing() {
  if (inFlight) { dirty = true; return; }
  const gray = toMnist();
  if (!gray) return;
  await send(gray, 'application/octet-stream', '');
}

async function upload(file) {
  const invert = document.getElementById('invert').checked;
  await send(file, file.type || 'application/octet-stream', invert ? '?invert=true' : '');
}

async function send(body, type, query) {
  inFlight = true;
  try {
    const response = await fetch('predict' + query, { method: 'POST', headers: { 'Content-Type': type }, body });
    const json = await response.json();
    if (!response.ok) { status.textContent = json.error || `HTTP ${response.status}`; return; }
    status.textContent = '';
    show(json.predictions);
  } catch (e) {
    status.textContent = 'request failed: ' + e.message;
  } finally {
    inFlight = false;
    if (dirty) { dirty = false; schedule(0); }
  }
}

function show(predictions) {
  results.replaceChildren(...predictions.map(p => {
    const card = document.createElement('div');
    card.className = 'model';
    card.id = 'result-' + p.model;
    // A blank canvas still gets the model's answer (a confident "1"); say there is nothing to read.
    card.innerHTML = p.blank
      ? `<h2>${NAMES[p.model] || p.model}</h2>
      <div class="digit blank" data-testid="digit">–</div>
      <div class="confidence" data-testid="blank">no ink: draw a digit</div>`
      : `<h2>${NAMES[p.model] || p.model}</h2>
      <div class="digit" data-testid="digit">${p.label}</div>
      <div class="confidence">${(p.confidence * 100).toFixed(1)} %</div>`;
    p.probabilities.forEach((q, digit) => {
      const row = document.createElement('div');
      row.className = 'bar' + (digit === p.digit ? ' top' : '');
      row.dataset.testid = 'bar';
      row.innerHTML = `<span>${digit}</span><span class="track"><span class="fill" style="width:${(q * 100).toFixed(1)}%; display:block"></span></span><span>${q.toFixed(4)}</span>`;
      card.appendChild(row);
    });
    return card;
  }));
}

clearPad();

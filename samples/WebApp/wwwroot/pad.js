// The drawing pad (280×280, light strokes on black as MNIST digits are) and the 28×28 preview of what
// the models see. A drawing is reduced here the MNIST way; an upload is shown as it is on the pad and
// stretched to 28×28 in the preview, as the server's resize does.
export const SIDE = 28;
const BOX = 20;

// A drawing whose ink spans less than this fraction of the pad's side in both directions is too small
// to be a digit: the reduction below would blow a dot up to a 20×20 disc, and the models would name a
// digit for it. 15% of the pad is 42 px, a little over two widths of the 18 px pen (PEN): a dot, a tick
// or a short dash is refused, while any digit drawn at a legible size (even a small "1", which is tall)
// passes. (The server refuses pictures whose ink spans under 20% of their side, but it only ever sees
// the already scaled 20×20 box of a drawing, so the page has to look at the drawing itself.)
export const MIN_INK_FRACTION = 0.15;

const pad = document.getElementById('pad');
const ctx = pad.getContext('2d', { willReadFrequently: true });
const seen = document.getElementById('seen');
const small = seen.getContext('2d', { willReadFrequently: true });

/** Blacks out the pad and the preview. */
export function clearPad() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  small.clearRect(0, 0, SIDE, SIDE);
}

/** Wires pointer events; onStroke(final) runs while drawing (false) and when a stroke ends (true). */
export function enableDrawing(onStart, onStroke) {
  let drawing = false, last = null;
  const point = e => {
    const r = pad.getBoundingClientRect();
    return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
  };
  pad.addEventListener('pointerdown', e => {
    onStart();
    drawing = true;
    last = point(e);
    stroke(last, last);
    pad.setPointerCapture(e.pointerId);
  });
  pad.addEventListener('pointermove', e => {
    if (!drawing) return;
    const p = point(e);
    stroke(last, p);
    last = p;
    onStroke(false);
  });
  pad.addEventListener('pointerup', () => { if (drawing) { drawing = false; onStroke(true); } });
  pad.addEventListener('pointercancel', () => { drawing = false; });
}

const PEN = 18;

function stroke(from, to) {
  ctx.fillStyle = ctx.strokeStyle = '#fff';
  if (from.x === to.x && from.y === to.y) {
    // A zero-length line may draw nothing: a touch of the pen is a round dot.
    ctx.beginPath();
    ctx.arc(from.x, from.y, PEN / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.lineWidth = PEN;
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}

/**
 * Reduces the drawing the MNIST way: crop to the ink, scale its longer side to 20 px, place its centre
 * of mass at the centre of 28×28; draws that into the preview. Returns null for an empty pad, else
 * { gray: 784 bytes, tooSmall }.
 */
export function reduceDrawing() {
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
  const tooSmall = w < MIN_INK_FRACTION * width && h < MIN_INK_FRACTION * height;
  small.fillStyle = '#000';
  small.fillRect(0, 0, SIDE, SIDE);
  small.imageSmoothingEnabled = true;
  small.imageSmoothingQuality = 'high';
  const dx = SIDE / 2 - (mx / mass - x0) * scale, dy = SIDE / 2 - (my / mass - y0) * scale;
  small.drawImage(pad, x0, y0, w, h, dx, dy, w * scale, h * scale);
  const rgba = small.getImageData(0, 0, SIDE, SIDE).data;
  const gray = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4];
  return { gray, tooSmall };
}

/**
 * Shows an uploaded picture: on the pad as it is (scaled to fit, centred, aspect kept) and in the
 * preview stretched to 28×28, as the server resizes it. Throws when the browser cannot decode it.
 */
export async function showPicture(blob) {
  const picture = await createImageBitmap(blob);
  const scale = Math.min(pad.width / picture.width, pad.height / picture.height);
  const w = picture.width * scale, h = picture.height * scale;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  // Enlarged pixels stay sharp squares: a 28×28 digit shows as the grid it is.
  ctx.imageSmoothingEnabled = scale < 1;
  ctx.drawImage(picture, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
  ctx.imageSmoothingEnabled = true;
  small.clearRect(0, 0, SIDE, SIDE);
  small.imageSmoothingEnabled = true;
  small.imageSmoothingQuality = 'high';
  small.drawImage(picture, 0, 0, SIDE, SIDE);
  picture.close();
  // The models see gray: average the colours as a gray decoder would.
  const image = small.getImageData(0, 0, SIDE, SIDE);
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    const g = Math.round(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]);
    d[i] = d[i + 1] = d[i + 2] = g;
    d[i + 3] = 255;
  }
  small.putImageData(image, 0, 0);
}

/** Inverts the preview (the server read the picture as dark on light and inverted it). */
export function invertPreview() {
  const image = small.getImageData(0, 0, SIDE, SIDE);
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) d[i] = d[i + 1] = d[i + 2] = 255 - d[i];
  small.putImageData(image, 0, 0);
}

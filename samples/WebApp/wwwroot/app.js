// The drawing page: draw a digit (reduced in the browser to a 28×28 gray picture the MNIST way and
// sent as 784 raw bytes), pick a sample MNIST test digit, or upload a picture (sent as it is, with the
// polarity chosen on the page); POST /predict answers with every model's prediction.
import { clearPad, enableDrawing, reduceDrawing, showPicture, invertPreview } from './pad.js';
import { clearResults, describeModels, showPredictions, showSignal } from './results.js';

// Real MNIST test digits (t10k-<index>-<label>[-dark-on-light].png; see README.md): one per class,
// two of them inverted to show the automatic polarity, and one the two models disagree on.
const SAMPLES = [
  't10k-00003-0.png', 't10k-00002-1.png', 't10k-00001-2.png', 't10k-00030-3.png', 't10k-00004-4.png',
  't10k-00015-5.png', 't10k-00011-6.png', 't10k-00000-7.png', 't10k-00061-8.png', 't10k-00007-9.png',
  't10k-00000-7-dark-on-light.png', 't10k-00001-2-dark-on-light.png', 't10k-02369-5.png',
];
const DISAGREED = 't10k-02369-5.png';

const status = document.getElementById('status');
const fileInput = document.getElementById('file');
let generation = 0;       // bumped by every new picture and by Clear: answers to older requests are dropped
let inFlight = 0, dirty = null, pending = null;
let showingPicture = null; // { blob, note } while the pad shows an upload or a sample, not a drawing

function reset() {
  generation++;
  showingPicture = null;
  clearTimeout(pending);
  dirty = null;
  clearPad();
  clearResults();
  status.textContent = '';
}

enableDrawing(
  () => { if (showingPicture) reset(); },
  final => { clearTimeout(pending); pending = setTimeout(() => predictDrawing(final), final ? 0 : 150); });
document.getElementById('clear').addEventListener('click', reset);
fileInput.addEventListener('change', () => {
  const file = fileInput.files[0];
  fileInput.value = ''; // choosing the same file again still counts
  if (file) predictPicture(file, `Uploaded: ${file.name}`);
});
// Another polarity for the picture on the pad: ask again.
document.querySelectorAll('input[name=polarity]').forEach(radio => radio.addEventListener('change', () => {
  if (showingPicture) predictPicture(showingPicture.blob, showingPicture.note);
}));

// final: the stroke has ended (a too-small drawing is only called out then, not while it grows).
async function predictDrawing(final) {
  if (inFlight) { dirty = { final }; return; }
  const reduced = reduceDrawing();
  if (!reduced) return;
  if (reduced.tooSmall) {
    if (final) { generation++; showSignal('too-small'); }
    return;
  }
  // The page knows its own drawing is light on dark; no need for the server to guess.
  await send(reduced.gray, 'application/octet-stream', 'light-on-dark', '');
}

async function predictPicture(blob, note) {
  reset();
  const mine = generation;
  showingPicture = { blob, note };
  try {
    await showPicture(blob);
  } catch {
    note += ' (the browser cannot show this picture; the server reads it)';
  }
  if (mine !== generation) return;
  const polarity = document.querySelector('input[name=polarity]:checked').value;
  const predictions = await send(blob, blob.type || 'application/octet-stream', polarity, note);
  if (predictions?.some(p => p.inverted === true)) invertPreview();
}

/** Posts one picture; shows and returns the predictions (null on an error or a dropped answer). */
async function send(body, type, polarity, note) {
  const mine = ++generation;
  inFlight++;
  try {
    const response = await fetch(`predict?polarity=${polarity}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const json = await response.json().catch(() => ({}));
    if (mine !== generation) return null;
    if (!response.ok) {
      status.textContent = json.error || `HTTP ${response.status}`;
      return null;
    }
    status.textContent = '';
    showPredictions(json.predictions || [], note);
    return json.predictions;
  } catch (e) {
    if (mine === generation) status.textContent = 'request failed: ' + e.message;
    return null;
  } finally {
    inFlight--;
    if (dirty && !inFlight && !showingPicture) {
      const { final } = dirty;
      dirty = null;
      predictDrawing(final);
    }
  }
}

function sampleButtons() {
  const strip = document.getElementById('samples');
  strip.replaceChildren(...SAMPLES.map(file => {
    const [, index, label, inverted] = file.match(/^t10k-(\d+)-(\d)(-dark-on-light)?\.png$/);
    const what = `MNIST test digit #${Number(index)}, labelled ${label}` + (inverted ? ', inverted (dark on light)' : '');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample' + (inverted ? ' light' : '') + (file === DISAGREED ? ' hard' : '');
    button.dataset.sample = file;
    button.title = what + (file === DISAGREED ? ': the models disagree on it' : '');
    const img = document.createElement('img');
    img.src = 'samples/' + file;
    img.alt = what;
    button.append(img);
    button.addEventListener('click', async () => {
      const response = await fetch('samples/' + file);
      if (!response.ok) { status.textContent = `cannot load sample ${file}: HTTP ${response.status}`; return; }
      predictPicture(await response.blob(), what + '.');
    });
    return button;
  }));
}

reset();
sampleButtons();
fetch('models').then(r => r.json()).then(describeModels).catch(() => describeModels([]));

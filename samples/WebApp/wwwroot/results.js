// The right-hand side of the page: what the two models are (before anything is drawn), then each
// model's answer with its ten probabilities, a banner when the two disagree, and the signals for a
// picture that holds no digit (blank, too small). Fields the server may not send (older versions:
// description, testAccuracy, inverted, tooSmall) are optional everywhere.
const NAMES = { bn: 'with BatchNorm (bn)', nobn: 'without BatchNorm (nobn)' };
const intro = document.getElementById('intro');
const verdict = document.getElementById('verdict');
const cards = document.getElementById('cards');
let models = [];

const nameOf = model => NAMES[model] || model;
const percent = (q, digits) => (q * 100).toFixed(digits) + '%';
const accuracyOf = m => typeof m?.testAccuracy === 'number'
  ? `${percent(m.testAccuracy, 2)} on the 10,000 MNIST test digits` : '';

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Lists the models from GET /models in the introduction. */
export function describeModels(list) {
  models = Array.isArray(list) ? list : [];
  const ul = document.getElementById('model-list');
  ul.replaceChildren(...models.map(m => {
    const li = element('li');
    li.dataset.model = m.name;
    li.append(element('strong', '', nameOf(m.name)));
    if (m.description) li.append(': ' + m.description);
    const accuracy = accuracyOf(m);
    if (accuracy) li.append(' — ', element('span', 'accuracy', accuracy));
    return li;
  }));
}

/** Back to the introduction (nothing drawn). */
export function clearResults() {
  intro.hidden = false;
  verdict.hidden = true;
  cards.replaceChildren();
}

// A picture without a digit: one signal instead of answers that mean nothing.
const SIGNALS = {
  blank: 'no ink: draw a digit',
  'too-small': 'too small: draw the digit larger',
};

/** Shows the signal for a picture that holds no digit ('blank' or 'too-small') instead of predictions. */
export function showSignal(kind) {
  intro.hidden = true;
  verdict.hidden = true;
  const card = element('div', 'model signal');
  const signal = element('div', 'confidence', SIGNALS[kind]);
  signal.dataset.testid = kind;
  card.append(element('div', 'digit blank', '–'), signal);
  cards.replaceChildren(card);
}

/** Shows every model's answer; note says where the picture came from (may be empty). */
export function showPredictions(predictions, note) {
  intro.hidden = true;
  const meaningless = p => p.blank || p.tooSmall;
  if (predictions.length && predictions.every(meaningless)) {
    showSignal(predictions.some(p => p.blank) ? 'blank' : 'too-small');
    return;
  }
  showVerdict(predictions.filter(p => !meaningless(p)), predictions.some(p => p.inverted === true), note);
  cards.replaceChildren(...predictions.map(card));
}

function showVerdict(answers, inverted, note) {
  const labels = new Set(answers.map(p => p.label));
  const disagree = labels.size > 1;
  verdict.hidden = false;
  verdict.className = disagree ? 'disagree' : '';
  const main = element('div', 'main', disagree
    ? 'The models disagree: ' + answers.map(p => `${nameOf(p.model)} reads ${p.label}`).join(', ') + '.'
    : answers.length > 1 ? `Both models read ${answers[0].label}.` : '');
  main.dataset.testid = disagree ? 'disagree' : 'agree';
  verdict.replaceChildren(main);
  if (note) verdict.append(element('div', 'note', note));
  if (inverted) {
    const line = element('div', 'note', 'Read as a dark digit on a light background, and inverted for the models.');
    line.dataset.testid = 'inverted';
    verdict.append(line);
  }
}

function card(p) {
  const c = element('div', 'model');
  c.id = 'result-' + p.model;
  c.append(element('h2', '', nameOf(p.model)));
  const accuracy = accuracyOf(models.find(m => m.name === p.model));
  if (accuracy) c.append(element('div', 'accuracy', accuracy));
  if (p.blank || p.tooSmall) {
    // The model still answers (LeNet calls an empty canvas a confident "1"); say there is nothing to read.
    const kind = p.blank ? 'blank' : 'too-small';
    const dash = element('div', 'digit blank', '–'), signal = element('div', 'confidence', SIGNALS[kind]);
    dash.dataset.testid = 'digit';
    signal.dataset.testid = kind;
    c.append(dash, signal);
    return c;
  }
  const digit = element('div', 'digit', p.label);
  digit.dataset.testid = 'digit';
  c.append(digit, element('div', 'confidence', percent(p.confidence, 1)));
  (p.probabilities || []).forEach((q, d) => {
    const row = element('div', 'bar' + (d === p.digit ? ' top' : ''));
    row.dataset.testid = 'bar';
    const fill = element('span', 'fill');
    fill.style.width = percent(q, 1);
    const track = element('span', 'track');
    track.append(fill);
    row.append(element('span', '', String(d)), track, element('span', '', q.toFixed(4)));
    c.append(row);
  });
  return c;
}

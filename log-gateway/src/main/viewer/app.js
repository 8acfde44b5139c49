// The Forge CI log viewer: recent runs, the runs of a commit (#/commits/<sha>, where a Radicle
// info_url or commit status links when one event started several), a run's live log in xterm.js
// with step sections, Cancel, and a Run form. Everything goes to this page's origin: /api/logs and /ws/runs here, /api/runs
// and /api/triggers routed by the Ingress (or forwarded by the log-gateway on one machine).
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import './viewer.css';

const $ = (id) => document.getElementById(id);
const TERMINAL_STATUSES = new Set(['success', 'failure', 'cancelled', 'error']);
// Close codes after which reconnecting cannot help (see the log-gateway README).
const FINAL_CLOSES = new Set([1000, 1008, 4400, 4404]);

const term = new Terminal({ convertEol: false, disableStdin: true, scrollback: 200000, fontSize: 13,
  theme: { background: '#000000' } });
const fit = new FitAddon();
term.loadAddon(fit);
term.open($('terminal'));
fit.fit();
window.addEventListener('resize', () => fit.fit());

let view = null; // the run on screen: { runId, socket, cursor, status, steps, lastKey, ended }

function token() { return $('token').value.trim(); }
function authHeaders(extra = {}) { return token() ? { ...extra, Authorization: `Bearer ${token()}` } : extra; }
function say(text, error = false) {
  $('message').textContent = text;
  $('message').className = error ? 'error' : '';
  delete $('message').dataset.from;
}
function badge(el, status) { el.textContent = status || '—'; el.className = `status ${status || ''}`; }

$('token').value = localStorage.getItem('forge.token') || '';
$('token').addEventListener('change', () => { localStorage.setItem('forge.token', token()); refreshRuns(); refreshCommit(); if (view) open(view.runId); });

async function problemText(response) {
  try {
    const problem = await response.json();
    const errors = (problem.errors || []).map((e) => `${e.file || ''}:${e.line || ''}:${e.column || ''} ${e.message}`);
    return [problem.detail || problem.title || response.statusText, ...errors].join('\n');
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// ---- Recent runs, and the runs of one commit ---------------------------------------------------

let commitShown = null; // the commit whose runs the commit card lists (#/commits/<sha>)

/** A run as a list item: status, workflow, repository and commit; a click opens its log. */
function runItem(run) {
  const li = document.createElement('li');
  li.dataset.runId = run.runId;
  li.classList.toggle('selected', view && view.runId === run.runId);
  const status = document.createElement('span');
  badge(status, run.status);
  const what = document.createElement('span');
  what.className = 'what';
  what.textContent = `${run.runName || run.workflow || 'run'} · ${(run.repository && (run.repository.name || run.repository.id)) || ''} ${(run.commit || '').slice(0, 8)}`;
  const id = document.createElement('span');
  id.className = 'id';
  id.textContent = run.runId.slice(-6);
  li.append(status, what, id);
  li.addEventListener('click', () => { location.hash = `#/runs/${run.runId}`; });
  return li;
}

async function refreshRuns() {
  try {
    const response = await fetch('api/logs', { headers: authHeaders() });
    if (!response.ok) { say(`recent runs: ${await problemText(response)}`, true); $('message').dataset.from = 'runs'; return; }
    const runs = await response.json();
    if ($('message').dataset.from === 'runs') say('');
    $('runs').replaceChildren(...runs.map(runItem));
  } catch (e) {
    say(`recent runs: ${e.message}`, true);
  }
}

/** The commit card: every run of the commit (one push or patch may start several workflows); the newest opens first. */
async function refreshCommit() {
  if (!commitShown) return;
  const commit = commitShown;
  try {
    const response = await fetch(`api/runs?commit=${commit}&size=100`, { headers: authHeaders() });
    if (!response.ok) { say(`runs of ${commit.slice(0, 8)}: ${await problemText(response)}`, true); return; }
    const page = await response.json();
    if (commit !== commitShown) return;
    $('commit-title').textContent = `Runs of commit ${commit.slice(0, 8)} (${page.total})`;
    $('commit-runs').replaceChildren(...page.runs.map(runItem));
    if (!view && page.runs.length) open(page.runs[0].runId);
  } catch (e) {
    say(`runs of ${commit.slice(0, 8)}: ${e.message}`, true);
  }
}

// ---- One run's log -----------------------------------------------------------------------------

function stepItem(jobId, attempt, index) {
  const key = `${jobId}:${attempt}:${index}`;
  let step = view.steps.get(key);
  if (!step) {
    let job = view.steps.get(`${jobId}:${attempt}`);
    if (!job) {
      job = { li: document.createElement('li') };
      job.li.className = 'job';
      job.li.dataset.job = `${jobId}:${attempt}:job`;
      job.badge = document.createElement('span');
      job.name = document.createElement('span');
      job.name.textContent = attempt > 1 ? `${jobId} (attempt ${attempt})` : jobId;
      job.li.append(job.badge, job.name);
      $('steps').append(job.li);
      view.steps.set(`${jobId}:${attempt}`, job);
    }
    if (index === null) return job;
    step = { li: document.createElement('li'), badge: document.createElement('span'), name: document.createElement('span'), line: null };
    step.li.dataset.step = key;
    step.li.dataset.job = `${jobId}:${attempt}`;
    step.li.dataset.index = String(index);
    step.name.textContent = index === -1 ? 'Set up job' : `step #${index}`;
    step.li.append(step.badge, step.name);
    step.li.addEventListener('click', () => { if (step.line !== null) term.scrollToLine(step.line); });
    // Steps are listed by index under their job, whichever of their frames came first.
    const siblings = [...$('steps').children];
    const before = siblings.slice(siblings.indexOf(job.li) + 1)
      .find((li) => li.dataset.job !== step.li.dataset.job || Number(li.dataset.index) > index);
    $('steps').insertBefore(step.li, before || null);
    view.steps.set(key, step);
  }
  return step;
}

function sectionHeader(frame) {
  const index = frame.step === null || frame.step === undefined ? -1 : frame.step;
  const key = `${frame.jobId}:${frame.attempt}:${index}`;
  if (view.lastKey === key) return;
  view.lastKey = key;
  const step = stepItem(frame.jobId, frame.attempt, index);
  term.write(`\r\n\x1b[1;36m==> ${frame.jobId} > ${step.name.textContent}\x1b[0m\r\n`, () => {
    const buffer = term.buffer.active;
    if (step.line === null) step.line = buffer.baseY + buffer.cursorY - 1;
  });
}

function show(frame) {
  view.cursor = frame.cursor;
  switch (frame.type) {
    case 'line':
      sectionHeader(frame);
      term.write(frame.stream === 'system' ? `\x1b[2m${frame.text}\x1b[0m\r\n` : `${frame.text}\r\n`);
      break;
    case 'step': {
      const step = stepItem(frame.jobId, frame.attempt, frame.step.index);
      step.name.textContent = frame.step.name || step.name.textContent;
      badge(step.badge, frame.step.status);
      break;
    }
    case 'job':
      badge(stepItem(frame.jobId, frame.attempt, null).badge, frame.status);
      break;
    case 'run':
      view.status = frame.status;
      badge($('run-status'), frame.status);
      $('run-title').textContent = `${frame.workflow || 'run'} · ${(frame.repository && (frame.repository.name || frame.repository.id)) || ''} @ ${(frame.commit || '').slice(0, 12)}`;
      $('cancel').disabled = TERMINAL_STATUSES.has(frame.status);
      $('approve').hidden = frame.status !== 'waiting';
      if (frame.status === 'waiting' && frame.reason) term.write(`\x1b[33m[forge] ${frame.reason}\x1b[0m\r\n`);
      break;
    case 'truncated':
      term.write(`\r\n\x1b[33m[forge] ${frame.text}\x1b[0m\r\n`);
      break;
    case 'end':
      view.ended = true;
      badge($('run-status'), frame.status);
      $('cancel').disabled = true;
      $('approve').hidden = true;
      term.write(`\x1b[1m==> run ${frame.status}\x1b[0m\r\n`);
      break;
    default:
      break; // a frame type from a newer gateway
  }
}

function connect() {
  const current = view;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ cursor: String(current.cursor) });
  if (token()) query.set('access_token', token());
  const base = location.pathname.replace(/[^/]*$/, '');
  const socket = new WebSocket(`${scheme}://${location.host}${base}ws/runs/${current.runId}?${query}`);
  current.socket = socket;
  socket.onmessage = (event) => { if (view === current) show(JSON.parse(event.data)); };
  socket.onclose = (event) => {
    if (view !== current) return;
    if (current.ended || FINAL_CLOSES.has(event.code)) {
      if (event.code !== 1000) say(`log closed: ${event.reason || event.code}`, true);
      return;
    }
    // Anything else (gateway restart, network, too slow): resume exactly after the last frame shown.
    say(`reconnecting after cursor ${current.cursor} (${event.reason || event.code})`);
    setTimeout(() => { if (view === current) connect(); }, 1000);
  };
  socket.onopen = () => say('');
}

function open(runId) {
  if (view && view.socket) { view.socket.onclose = null; view.socket.close(); }
  view = { runId, socket: null, cursor: 0, status: null, steps: new Map(), lastKey: null, ended: false };
  term.reset();
  $('steps').replaceChildren();
  badge($('run-status'), 'queued');
  $('run-title').textContent = `run ${runId}`;
  $('cancel').disabled = false;
  $('approve').hidden = true;
  const raw = $('raw-link');
  raw.hidden = false;
  raw.onclick = async () => {
    const response = await fetch(`api/logs/${runId}?ansi=false`, { headers: authHeaders() });
    if (!response.ok) { say(await problemText(response), true); return; }
    const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/plain' }));
    window.open(url, '_blank');
  };
  document.querySelectorAll('#runs li, #commit-runs li').forEach((li) => li.classList.toggle('selected', li.dataset.runId === runId));
  connect();
}

/** Cancel and Approve: a POST to the scheduler's run action, the button off while it is under way. */
function runAction(action, done) {
  $(action).addEventListener('click', async () => {
    if (!view) return;
    $(action).disabled = true;
    const response = await fetch(`api/runs/${view.runId}/${action}`, { method: 'POST', headers: authHeaders() });
    if (response.ok) {
      say(done);
    } else {
      say(`${action}: ${await problemText(response)}`, true);
      $(action).disabled = false;
    }
  });
}
runAction('cancel', 'cancel requested');
runAction('approve', 'approved: the run is queued');

// ---- Run form ----------------------------------------------------------------------------------

$('run-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { repository: $('run-repository').value.trim(), commit: $('run-commit').value.trim() };
  if ($('run-workflow').value.trim()) body.workflow = $('run-workflow').value;
  if ($('run-workflow-file').value.trim()) body.workflowFile = $('run-workflow-file').value.trim();
  const inputs = parseInputs($('run-inputs').value);
  if (inputs === null) { say('run: each input line must read name=value', true); return; }
  if (Object.keys(inputs).length) body.inputs = inputs;
  $('run-submit').disabled = true;
  try {
    const response = await fetch('api/triggers', { method: 'POST', headers: authHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body) });
    if (!response.ok) { say(`run: ${await problemText(response)}`, true); return; }
    const accepted = await response.json();
    const runs = accepted.runs || [];
    say(`started ${runs.map((r) => `${r.workflow || 'run'} ${r.runId}`).join(', ')}`);
    if (runs.length) location.hash = `#/runs/${runs[0].runId}`;
  } catch (e) {
    say(`run: ${e.message}`, true);
  } finally {
    $('run-submit').disabled = false;
  }
});

/** `name=value` lines as the inputs object GitHub's dispatch API takes (values are strings); null when a line has no `=`. */
function parseInputs(text) {
  const inputs = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l)) {
    const at = line.indexOf('=');
    if (at < 1) return null;
    inputs[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return inputs;
}

// ---- Navigation --------------------------------------------------------------------------------

function route() {
  const commit = /^#\/commits\/([0-9a-f]{40}|[0-9a-f]{64})$/.exec(location.hash);
  if (commit) {
    commitShown = commit[1];
    $('commit-card').hidden = false;
    refreshCommit();
    return;
  }
  const match = /^#\/runs\/([0-9A-Za-z]{26})$/.exec(location.hash);
  if (match && (!view || view.runId !== match[1])) open(match[1]);
}
window.addEventListener('hashchange', route);
route();
refreshRuns();
setInterval(() => { refreshRuns(); refreshCommit(); }, 3000);

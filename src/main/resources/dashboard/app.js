// The reviewenv dashboard: every environment, refreshed every few seconds; Stop (asked first) and
// Extend; a job's log as it grows; an environment's service logs, live, per service; the last endings. Signed in by cookie, every call that changes
// something carries X-Requested-With, which the service requires of cookie sessions.
'use strict';

const HEADERS = { 'X-Requested-With': 'reviewenv' };
let environments = [];
// Repositories seen in any page, so the filter keeps offering them while one is chosen.
const repositoriesSeen = new Set();
// The list comes a page at a time; the dashboard shows the first page of what the filter asks for.
const PAGE = 500;
let more = false;
let following = null;
// The service logs being followed: their environment, and the fetch to abort on leaving or a change of service.
let serviceLogs = null;
// What the service log view keeps of its lines: the newest, about this many characters.
const SERVICE_LOG_KEEP = 400000;
// What a reviewer picked in a row survives the refreshes that redraw the rows.
const chosenLifetime = {};

async function call(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { ...HEADERS, ...(options.headers || {}) } });
  if (response.status === 401) {
    location.href = '/login';
  }
  return response;
}

function text(tag, value, attrs = {}) {
  const el = document.createElement(tag);
  if (value !== undefined && value !== null) el.textContent = value;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function span(seconds) {
  if (seconds === null || seconds === undefined) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 3600) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}

function age(instant) {
  return instant ? span((Date.now() - Date.parse(instant)) / 1000) : '';
}

function mib(bytes) {
  return Math.round(bytes / 1048576) + ' MiB';
}

function use(env) {
  const r = env.resources;
  if (!r || r.memoryBytes === null || r.memoryBytes === undefined) return env.status === 'sleeping' ? 'asleep' : '';
  return mib(r.memoryBytes) + ' · ' + r.cpuPercent + '% CPU';
}

function row(env) {
  const tr = text('tr', null, { 'data-name': env.name, 'data-status': env.status });
  const link = text('a', env.name, { href: env.url, target: '_blank', rel: 'noopener' });
  const name = text('td', null, { 'data-label': 'Environment' });
  name.append(link);
  tr.append(name,
    text('td', env.repository, { 'data-label': 'Repository' }),
    text('td', env.branch, { 'data-label': 'Branch' }),
    text('td', (env.commit || '').substring(0, 8), { 'data-label': 'Commit', title: env.commit || '' }));
  const status = text('td', null, { 'data-label': 'Status' });
  status.append(text('span', env.status, { class: 'status status-' + env.status }));
  tr.append(status,
    text('td', age(env.createdAt), { 'data-label': 'Age' }),
    text('td', env.lastRequest ? age(env.lastRequest) + ' ago' : 'none', { 'data-label': 'Last request', class: 'last-request' }),
    text('td', use(env), { 'data-label': 'Uses', class: 'uses',
      title: env.resources ? 'each service at most ' + mib(env.resources.memoryLimitBytes) + ', '
        + env.resources.cpusLimit + ' CPU, ' + env.resources.pidsLimit + ' processes' : '' }),
    text('td', env.removeAt ? span(env.expiresInSeconds) : 'never', { 'data-label': 'Expires in', class: 'expires' }));
  const actions = text('td', null, { class: 'actions' });
  const stop = text('button', 'Stop', { type: 'button', class: 'stop quiet' });
  stop.onclick = () => stopEnvironment(env.name);
  const lifetime = text('select', null, { class: 'lifetime', 'aria-label': 'Extend by' });
  for (const l of ['1h', '12h', '1d', '2d', '7d', 'never']) lifetime.append(text('option', l, { value: l }));
  lifetime.value = chosenLifetime[env.name] || '1d';
  lifetime.onchange = () => { chosenLifetime[env.name] = lifetime.value; };
  const extend = text('button', 'Extend', { type: 'button', class: 'extend quiet' });
  extend.onclick = () => extendEnvironment(env.name, lifetime.value);
  actions.append(stop, ' ', lifetime, extend);
  const logs = text('button', 'Logs', { type: 'button', class: 'logs quiet', title: 'what its services print, live' });
  logs.onclick = () => followServiceLogs(env.name, '');
  actions.append(' ', logs);
  if (env.lastJob) {
    const log = text('button', 'Log', { type: 'button', class: 'log quiet' });
    log.onclick = () => followLog(env.lastJob);
    actions.append(' ', log);
  }
  tr.append(actions);
  return tr;
}

function render() {
  environments.forEach(e => repositoriesSeen.add(e.repository));
  const repos = [...repositoriesSeen].sort();
  const select = document.getElementById('repository');
  const chosen = select.value;
  select.replaceChildren(text('option', 'all', { value: '' }), ...repos.map(r => text('option', r, { value: r })));
  select.value = repos.includes(chosen) ? chosen : '';
  const shown = environments
    .filter(e => !select.value || e.repository === select.value)
    .sort((a, b) => a.repository.localeCompare(b.repository) || (b.deployedAt || '').localeCompare(a.deployedAt || ''));
  document.querySelector('#environments tbody').replaceChildren(...shown.map(row));
  document.getElementById('empty').hidden = shown.length > 0;
  const note = document.getElementById('more');
  note.hidden = !more;
  note.textContent = more ? `the first ${PAGE} environments are shown; choose a repository to see others` : '';
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

async function refresh() {
  const repository = document.getElementById('repository').value;
  const r = await call('/api/environments?limit=' + PAGE + (repository ? '&repository=' + encodeURIComponent(repository) : ''));
  if (r.ok) {
    more = (r.headers.get('Link') || '').includes('rel="next"');
    environments = await r.json();
    render();
  }
}

async function refreshEndings() {
  const r = await call('/api/endings?limit=10');
  if (!r.ok) return;
  const list = document.getElementById('endings');
  list.replaceChildren(...(await r.json()).map(e => text('li', `${e.name}: ${e.reason}, ${new Date(e.at).toLocaleString()}`)));
}

async function stopEnvironment(name) {
  if (!confirm(`Stop ${name}? Its containers, volumes and images go with it.`)) return;
  const r = await call('/api/environments/' + encodeURIComponent(name), { method: 'DELETE' });
  if (r.ok) {
    const env = environments.find(e => e.name === name);
    if (env) env.status = 'stopping';
    render();
    followLog((await r.json()).job);
  } else {
    alert((await r.json()).detail);
  }
}

async function extendEnvironment(name, lifetime) {
  const r = await call('/api/environments/' + encodeURIComponent(name) + '/extend', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lifetime })
  });
  if (r.ok) {
    const updated = await r.json();
    environments = environments.map(e => e.name === name ? updated : e);
    render();
  } else {
    alert((await r.json()).detail);
  }
}

async function followLog(job) {
  if (following) following.abort();
  following = new AbortController();
  const pre = document.getElementById('log');
  document.getElementById('logjob').textContent = job;
  document.getElementById('logpanel').hidden = false;
  pre.textContent = '';
  try {
    const r = await call('/api/jobs/' + job + '/log', { signal: following.signal });
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pre.textContent += decoder.decode(value, { stream: true });
      pre.scrollTop = pre.scrollHeight;
    }
  } catch (e) {
    if (e.name !== 'AbortError') pre.textContent += '\n(the log stopped: ' + e.message + ')';
  }
}

// The services' output of one environment (all, or the one picked), followed until the view closes,
// the service changes or the page goes; the picker learns the services from the response's header.
async function followServiceLogs(name, service) {
  stopServiceLogs();
  const controller = new AbortController();
  serviceLogs = { name, controller };
  const pre = document.getElementById('svclog');
  const picker = document.getElementById('svcservice');
  document.getElementById('svcenv').textContent = name;
  document.getElementById('svcpanel').hidden = false;
  pre.textContent = '';
  try {
    const r = await call('/api/environments/' + encodeURIComponent(name) + '/logs?tail=200'
      + (service ? '&service=' + encodeURIComponent(service) : ''), { signal: controller.signal });
    if (!r.ok) {
      pre.textContent = (await r.json()).detail;
      return;
    }
    const services = (r.headers.get('Reviewenv-Services') || '').split(',').map(s => s.trim()).filter(s => s);
    picker.replaceChildren(text('option', 'all', { value: '' }), ...services.map(s => text('option', s, { value: s })));
    picker.value = services.includes(service) ? service : '';
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let shown = pre.textContent + decoder.decode(value, { stream: true });
      if (shown.length > SERVICE_LOG_KEEP) shown = shown.substring(shown.indexOf('\n', shown.length - SERVICE_LOG_KEEP) + 1);
      pre.textContent = shown;
      pre.scrollTop = pre.scrollHeight;
    }
  } catch (e) {
    if (e.name !== 'AbortError') pre.textContent += '\n(the logs stopped: ' + e.message + ')';
  }
}

function stopServiceLogs() {
  if (serviceLogs) serviceLogs.controller.abort();
  serviceLogs = null;
}

document.getElementById('svcservice').onchange = () => {
  if (serviceLogs) followServiceLogs(serviceLogs.name, document.getElementById('svcservice').value);
};
document.getElementById('svcclose').onclick = () => {
  stopServiceLogs();
  document.getElementById('svcpanel').hidden = true;
};
window.addEventListener('pagehide', stopServiceLogs);
document.getElementById('repository').onchange = refresh;
document.getElementById('logclose').onclick = () => {
  if (following) following.abort();
  document.getElementById('logpanel').hidden = true;
};
refresh();
refreshEndings();
setInterval(refresh, 3000);
setInterval(refreshEndings, 10000);

// BulkData's importer page: plain JavaScript over the public HTTP API (no framework, no build step).
// Every text comes from texts.json; every colour from the CSS custom properties in importer.css.
const root = document.getElementById('bulkdata-importer');
const api = root.dataset.api.replace(/\/$/, '');
const $ = (id) => document.getElementById(id);
const finished = ['Validated', 'ValidationFailed', 'Completed', 'CompletedWithErrors', 'Failed', 'Cancelled', 'RolledBack'];
let texts = {};
let resources = [];
const state = { resource: null, job: null, preview: null, cancelled: false };

/** The antiforgery header every call that changes state carries: the API refuses a cookie-signed one without it. */
const antiforgery = root.dataset.antiforgeryHeader ? { [root.dataset.antiforgeryHeader]: root.dataset.antiforgery } : {};

const t = (key, ...values) => (texts[key] ?? key).replace(/\{(\d+)\}/g, (_, i) => values[Number(i)] ?? '');

/** A count's text: the key's ".one" form for one, when the texts have it. */
const count = (key, n) => t(n === 1 && `${key}.one` in texts ? `${key}.one` : key, n);

function show(id, visible = true) { $(id).hidden = !visible; }

function say(message) { $('bd-status').textContent = message; }

function fail(message) {
  const alert = $('bd-alert');
  alert.textContent = t('error', message);
  alert.hidden = false;
}

function clearFailure() { $('bd-alert').hidden = true; }

/** Calls the API; a problem answer becomes an Error carrying its detail. */
async function call(method, path, body) {
  const response = await fetch(`${api}${path}`, {
    method,
    credentials: 'same-origin',
    headers: { ...(method === 'GET' ? {} : antiforgery), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not a problem document */ }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

/** Polls a job until it finishes, reporting each snapshot. */
async function waitFor(id, onProgress) {
  for (;;) {
    const job = await call('GET', `/jobs/${id}`);
    onProgress?.(job);
    if (finished.includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * How the file is to be read, as the upload's query: the sheet and header row of a workbook (0, the default,
 * finds the header), a CSV's delimiter and encoding; what the user left empty is left to detection.
 */
function readingOptions() {
  const chosen = { sheet: $('bd-sheet').value.trim(), headerRow: $('bd-header-row').value.trim(), delimiter: $('bd-delimiter').value, encoding: $('bd-encoding').value };
  return Object.entries(chosen).filter(([, value]) => value !== '').map(([name, value]) => `&${name}=${encodeURIComponent(value)}`).join('');
}

/** Uploads with XMLHttpRequest: fetch cannot report upload progress. */
function upload(file) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `${api}/${state.resource.path}/imports?validateOnly=true&fileName=${encodeURIComponent(file.name)}${readingOptions()}`);
    request.withCredentials = true;
    for (const [name, value] of Object.entries(antiforgery)) request.setRequestHeader(name, value);
    const bar = $('bd-upload-progress');
    bar.value = 0;
    bar.hidden = false;
    request.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100); };
    request.onload = () => {
      bar.value = 100;
      if (request.status === 202) {
        resolve(JSON.parse(request.responseText).jobId);
      } else {
        let detail = `${request.status}`;
        try { detail = JSON.parse(request.responseText).detail || detail; } catch { /* plain text */ }
        reject(new Error(detail));
      }
    };
    request.onerror = () => reject(new Error('network error'));
    request.send(file);
  });
}

async function start(file) {
  clearFailure();
  ['bd-mapping', 'bd-preview', 'bd-options', 'bd-result'].forEach((id) => show(id, false));
  try {
    say(t('uploading', file.name));
    const id = await upload(file);
    say(t('checking', file.name));
    state.job = await waitFor(id);
    await showPreview();
  } catch (error) {
    fail(error.message);
  }
}

async function showPreview() {
  state.preview = await call('GET', `/jobs/${state.job.id}/preview?rows=50`);
  renderMapping();
  renderGrid();
  renderOptions();
  say('');
  await refreshHistory();
}

function renderMapping() {
  const preview = state.preview;
  const body = $('bd-mapping-table').tBodies[0];
  body.replaceChildren();
  const byHeader = new Map(preview.matches.map((m) => [m.headerIndex, m]));
  preview.headers.forEach((header, index) => {
    const match = byHeader.get(index);
    const row = body.insertRow();
    const name = row.insertCell();
    name.textContent = header;
    const select = document.createElement('select');
    select.id = `bd-map-${index}`;
    select.dataset.header = header;
    select.setAttribute('aria-label', `${t('field')}: ${header}`);
    select.add(new Option(t('notImported'), ''));
    for (const column of state.resource.columns) {
      select.add(new Option(column.required ? `${column.name} *` : column.name, column.name, false, match?.column === column.name));
    }
    select.addEventListener('change', remap);
    row.insertCell().append(select);
    const confidence = row.insertCell();
    confidence.textContent = match ? `${Math.round(match.score * 100)}% (${t(`kind.${match.kind}`)})` : '';
  });
  const mapped = new Set(preview.matches.map((m) => m.column));
  const missing = state.resource.columns.filter((c) => c.required && !mapped.has(c.name)).map((c) => c.name);
  $('bd-missing').textContent = t('requiredMissing', missing.join(', '));
  show('bd-missing', missing.length > 0);
  show('bd-mapping');
}

/** Sends the mapping as the user set it; the job validates again with it (and remembers it for these headers). */
async function remap() {
  clearFailure();
  const mapping = {};
  for (const select of $('bd-mapping-table').querySelectorAll('select')) {
    if (select.value) mapping[select.dataset.header] = select.value;
  }
  try {
    say(t('remapping'));
    await call('PUT', `/jobs/${state.job.id}/mapping`, mapping);
    state.job = await waitFor(state.job.id);
    await showPreview();
  } catch (error) {
    fail(error.message);
  }
}

function renderGrid() {
  const { preview, job } = state;
  $('bd-valid').textContent = count('validRows', job.counts.valid);
  $('bd-invalid').textContent = job.counts.invalid > 0 ? count('invalidRows', job.counts.invalid) : '';
  $('bd-preview-note').textContent = count('previewNote', preview.rows.length);
  const headerOfColumn = new Map(preview.matches.map((m) => [m.column, m.headerIndex]));
  const grid = $('bd-grid');
  const head = grid.tHead;
  head.replaceChildren();
  const headRow = head.insertRow();
  const corner = document.createElement('th');
  corner.textContent = '#';
  corner.scope = 'col';
  headRow.append(corner);
  for (const header of preview.headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = header;
    headRow.append(th);
  }
  const body = grid.tBodies[0];
  body.replaceChildren();
  const list = $('bd-row-errors');
  list.replaceChildren();
  for (const row of preview.rows) {
    const tr = body.insertRow();
    const number = document.createElement('th');
    number.scope = 'row';
    number.textContent = row.rowNumber;
    tr.append(number);
    const errorsByCell = new Map();
    for (const error of row.errors) {
      const index = error.column != null && headerOfColumn.has(error.column) ? headerOfColumn.get(error.column) : -1;
      errorsByCell.set(index, [...(errorsByCell.get(index) ?? []), error.message]);
    }
    preview.headers.forEach((_, index) => {
      const cell = tr.insertCell();
      cell.textContent = row.cells[index] ?? '';
      const messages = errorsByCell.get(index);
      if (messages) {
        cell.classList.add('bd-invalid');
        cell.title = messages.join('\n');
        cell.setAttribute('aria-invalid', 'true');
        const hint = document.createElement('span');
        hint.className = 'bd-visually-hidden';
        hint.textContent = ` (${messages.join(' ')})`;
        cell.append(hint);
      }
    });
    if (row.errors.length > 0) {
      tr.classList.add('bd-invalid-row');
      const item = document.createElement('li');
      item.textContent = t('rowErrors', row.rowNumber, row.errors.map((e) => e.message).join(' '));
      list.append(item);
    }
  }
  const download = $('bd-download-errors');
  download.href = `${api}/jobs/${job.id}/errors`;
  download.setAttribute('download', '');
  show('bd-download-errors', job.counts.invalid > 0);
  show('bd-preview');
}

function renderOptions() {
  const hasErrors = state.job.counts.invalid > 0;
  const canImport = state.job.counts.valid > 0 && state.preview.missingColumns.every((c) => !state.resource.columns.find((x) => x.name === c)?.required);
  $('bd-commit').disabled = !canImport;
  if (hasErrors) document.querySelector('input[name="bd-mode"][value="Partial"]').checked = true;
  show('bd-options');
}

async function commit() {
  clearFailure();
  const mode = document.querySelector('input[name="bd-mode"]:checked').value;
  const merge = $('bd-merge').value;
  const query = new URLSearchParams({ commitMode: mode });
  if (merge) query.set('mergeStrategy', merge);
  const bar = $('bd-commit-progress');
  try {
    $('bd-commit').disabled = true;
    show('bd-cancel');
    bar.hidden = false;
    say(t('importing'));
    await call('POST', `/jobs/${state.job.id}/commit?${query}`);
    state.job = await waitFor(state.job.id, (job) => {
      const done = job.progress?.rowsProcessed ?? 0;
      const total = job.progress?.totalRows;
      const rate = Math.round(job.rowsPerSecond ?? 0);
      if (total) {
        bar.value = Math.min(100, Math.round((done / total) * 100));
        $('bd-rate').textContent = t('progress', done, total, rate, Math.round(job.etaSeconds ?? 0));
      } else {
        bar.removeAttribute('value');
        $('bd-rate').textContent = t('progressUnknown', done, rate);
      }
    });
    bar.value = 100;
    showResult();
  } catch (error) {
    fail(error.message);
  } finally {
    show('bd-cancel', false);
  }
}

function showResult() {
  const { counts, status } = state.job;
  $('bd-created').textContent = counts.created;
  $('bd-updated').textContent = counts.updated;
  $('bd-unchanged').textContent = counts.unchanged;
  $('bd-skipped').textContent = counts.existing + counts.duplicates;
  $('bd-failed').textContent = counts.invalid;
  $('bd-undo').disabled = !(status === 'Completed' || status === 'CompletedWithErrors');
  say(t(`status.${status}`));
  show('bd-result');
  refreshHistory();
}

async function undo() {
  clearFailure();
  try {
    const result = await call('POST', `/jobs/${state.job.id}/rollback`);
    $('bd-undo').disabled = true;
    say(t('undone', result.deleted, result.restored));
    await refreshHistory();
  } catch (error) {
    fail(error.message);
  }
}

async function refreshHistory() {
  const jobs = await call('GET', '/jobs?kind=Import&take=20');
  const body = $('bd-history-table').tBodies[0];
  body.replaceChildren();
  if (jobs.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = 5;
    cell.textContent = t('historyEmpty');
  }
  for (const job of jobs) {
    const row = body.insertRow();
    row.insertCell().textContent = job.fileName ?? '';
    row.insertCell().textContent = job.resource;
    row.insertCell().textContent = new Date(job.createdAt).toLocaleString();
    row.insertCell().textContent = t(`status.${job.status}`);
    row.insertCell().textContent = job.counts.read;
  }
}

function wireDropZone() {
  const drop = $('bd-drop');
  const input = $('bd-file');
  $('bd-choose').addEventListener('click', () => input.click());
  input.addEventListener('change', () => { if (input.files.length) start(input.files[0]); input.value = ''; });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('bd-over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('bd-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('bd-over');
    if (e.dataTransfer.files.length) start(e.dataTransfer.files[0]);
  });
}

async function init() {
  texts = await (await fetch(root.dataset.texts, { credentials: 'same-origin' })).json();
  for (const element of root.querySelectorAll('[data-text]')) element.textContent = t(element.dataset.text);
  document.title = t('title');
  wireDropZone();
  $('bd-commit').addEventListener('click', commit);
  $('bd-cancel').addEventListener('click', () => call('POST', `/jobs/${state.job.id}/cancel`).catch((e) => fail(e.message)));
  $('bd-undo').addEventListener('click', undo);
  $('bd-again').addEventListener('click', () => { ['bd-mapping', 'bd-preview', 'bd-options', 'bd-result'].forEach((id) => show(id, false)); $('bd-upload-progress').hidden = true; say(''); $('bd-choose').focus(); });
  try {
    resources = await call('GET', '/resources');
    const select = $('bd-resource');
    for (const resource of resources) select.add(new Option(resource.name, resource.path));
    const pick = () => { state.resource = resources.find((r) => r.path === select.value); };
    select.addEventListener('change', pick);
    pick();
    await refreshHistory();
    root.dataset.ready = 'true';
  } catch (error) {
    fail(error.message);
  }
}

init();

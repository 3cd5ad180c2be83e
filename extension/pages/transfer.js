// Export and import of labels and settings as one JSON file, page by page through the host so
// that no message passes the native messaging cap. Importing is idempotent: each label keeps its
// feedback_id, so a file imported twice adds nothing the second time.
import { ask } from './common.js';

export const FORMAT = 'vrdndi-labels';
export const VERSION = 1;
const PAGE = 100;
// Stay well under the 1 MiB frame cap when sending labels back (a label carries its context).
const BATCH_BYTES = 512 * 1024;

export async function exportAll() {
  const labels = [];
  let settings = {};
  for (;;) {
    const reply = await ask({ type: 'export', offset: labels.length, limit: PAGE });
    settings = reply.settings;
    labels.push(...reply.labels);
    if (reply.labels.length === 0 || labels.length >= reply.total) break;
  }
  return { format: FORMAT, version: VERSION, exported_at: new Date().toISOString(), labels, settings };
}

// Checks the file's shape; throws a message a person can act on.
export function parseExport(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not a JSON file: ${error.message}`);
  }
  if (data?.format !== FORMAT || !Array.isArray(data.labels)) throw new Error(`not a Vrdndi labels export (format "${FORMAT}" expected)`);
  if (data.version !== VERSION) throw new Error(`export version ${data.version}; this extension reads version ${VERSION}`);
  return data;
}

// Sends the labels in batches, the settings with the first; resolves with { added, duplicates }.
export async function importAll(data) {
  const total = { added: 0, duplicates: 0 };
  let batch = [];
  let bytes = 0;
  let settings = data.settings && typeof data.settings === 'object' ? data.settings : {};
  const flush = async () => {
    if (batch.length === 0 && Object.keys(settings).length === 0) return;
    const reply = await ask({ type: 'import_labels', labels: batch, settings });
    total.added += reply.added;
    total.duplicates += reply.duplicates;
    batch = [];
    bytes = 0;
    settings = {};
  };
  for (const label of data.labels) {
    const size = JSON.stringify(label).length;
    if (bytes + size > BATCH_BYTES) await flush();
    batch.push(label);
    bytes += size;
  }
  await flush();
  return total;
}

export function download(data, name) {
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

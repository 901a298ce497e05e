// node-marketo-rest (the npm package, unmodified) pointed at https://<munchkin-id>.mktorest.com,
// as its README configures it for Marketo. Usage: node node-marketo-rest-export.cjs BASE ID SECRET START END
const { createHash } = require('node:crypto');
const Marketo = require('node-marketo-rest');

const [base, clientId, clientSecret, startAt, endAt] = process.argv.slice(2);

async function main() {
  const marketo = new Marketo({ endpoint: `${base}/rest`, identity: `${base}/identity`, clientId, clientSecret });
  const bulk = marketo.bulkActivityExtract;
  const created = await bulk.create({ createdAt: { startAt, endAt } });
  const id = created.result[0].exportId;
  await bulk.enqueue(id);
  let job;
  for (let i = 0; i < 600; i++) {
    job = (await bulk.status(id)).result[0];
    if (job.status === 'Completed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const text = await bulk.file(id);
  return {
    exportId: id, status: job.status, numberOfRecords: job.numberOfRecords, fileSize: job.fileSize, fileChecksum: job.fileChecksum,
    bytes: Buffer.byteLength(text, 'utf8'), sha256: `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`,
  };
}

main().then((s) => console.log(JSON.stringify(s)), (err) => {
  console.error(err && err.code ? `error: ${err.code} ${err.message}` : String((err && err.stack) || JSON.stringify(err)));
  process.exit(1);
});

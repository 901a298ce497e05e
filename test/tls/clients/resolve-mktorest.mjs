// Test harness, loaded with `node --import` (NODE_OPTIONS): every *.mktorest.com name resolves to
// 127.0.0.1, as a hosts-file line would make it. The client code runs unchanged; TLS still checks
// the certificate against the name the client asked for, so SNI and hostname checks are real.
import dns from 'node:dns';

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') [callback, options] = [options, {}];
  if (typeof options === 'number') options = { family: options };
  if (!/\.mktorest\.com\.?$/i.test(hostname)) return original.call(dns, hostname, options, callback);
  const address = { address: '127.0.0.1', family: 4 };
  return process.nextTick(() => (options?.all ? callback(null, [address]) : callback(null, address.address, address.family)));
};

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactUrl, secretName } from './logger.js';

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['/a?access_token=T&x=1', '/a?access_token=[redacted]&x=1'],
    ['/a?x=1&client_secret=S', '/a?x=1&client_secret=[redacted]'],
    ['/a?client%5Fsecret=S', '/a?client%5Fsecret=[redacted]'],
    ['/a?client%5fsecret=S&access%5Ftoken=T', '/a?client%5fsecret=[redacted]&access%5Ftoken=[redacted]'],
    ['/a?client%255Fsecret=S', '/a?client%255Fsecret=[redacted]'],
    ['/a?client_secret[]=S&access_token[]=T', '/a?client_secret[]=[redacted]&access_token[]=[redacted]'],
    ['/a?client_secret%5B%5D=S', '/a?client_secret%5B%5D=[redacted]'],
    ['/a?access_token[0]=T', '/a?access_token[0]=[redacted]'],
    ['/a?CLIENT_SECRET=S&Access_Token=T&accessToken=U&access-token=V', '/a?CLIENT_SECRET=[redacted]&Access_Token=[redacted]&accessToken=[redacted]&access-token=[redacted]'],
    ['/a?%61ccess_token=T', '/a?%61ccess_token=[redacted]'],
    ['/a?admin_token=A&adminToken=B&token=C&secret=D&password=E', '/a?admin_token=[redacted]&adminToken=[redacted]&token=[redacted]&secret=[redacted]&password=[redacted]'],
    ['/a?access_token=T;client_secret=S', '/a?access_token=[redacted];client_secret=[redacted]'],
    ['/a?access_token=T#frag', '/a?access_token=[redacted]'],
    ['/a?access_token==T=U', '/a?access_token=[redacted]'],
    ['/a?grant_type=client_credentials&client_id=abc', '/a?grant_type=client_credentials&client_id=abc'],
    ['/a?nextPageToken=eyJ', '/a?nextPageToken=eyJ'],
    ['/a?client_secret', '/a?client_secret'], // no value to hide
    ['/a', '/a'],
    ['/a?', '/a?'],
  ];
  for (const [url, expected] of cases) test(url, () => assert.equal(redactUrl(url), expected));
});

describe('secretName', () => {
  test('spellings of one name compare equal', () => {
    for (const n of ['client_secret', 'CLIENT_SECRET', 'client%5Fsecret', 'client%255fsecret', 'client_secret[]', 'client-secret', 'clientSecret', 'client+secret']) {
      assert.equal(secretName(n), 'clientsecret', n);
    }
  });
});
